// The checkout module put together (`Services.checkout`): its orders and the registry of the
// sellers of held stock (flash sales) who place orders through it.
import { OrderService, OrderSources, type OrderServiceDeps } from './orders.service.ts';

export class Checkout {
  readonly sources = new OrderSources();
  readonly orders: OrderService;

  constructor(deps: Omit<OrderServiceDeps, 'sources'>) {
    this.orders = new OrderService({ ...deps, sources: this.sources });
  }
}
