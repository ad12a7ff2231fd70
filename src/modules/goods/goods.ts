// The goods module put together: products (with their review flow), the number pool and the code
// pool, and each SKU's stock as a buyer sees it, from wherever that kind's stock is kept.
import type { Db } from '../../platform/db/index.ts';
import type { Clock } from '../../platform/ports.ts';
import type { AuditLog } from '../../platform/audit.ts';
import type { InventoryService } from '../inventory/index.ts';
import { CodePool } from './codes.service.ts';
import { NumberPool } from './numbers.service.ts';
import { ProductService, type ProductView } from './products.service.ts';

/** A SKU's stock for a buyer: `saleable` null when it is not counted (credited at once, a catalogue offering). */
export interface SkuStock { saleable: number | null; inStock: boolean }

export class Goods {
  readonly products: ProductService;
  readonly numbers: NumberPool;
  readonly codes: CodePool;
  private readonly inventory: InventoryService;

  constructor(deps: { db: Db; clock: Clock; audit: AuditLog; inventory: InventoryService; offeringExists?: (id: string) => Promise<boolean> }) {
    this.products = new ProductService(deps);
    this.numbers = new NumberPool(deps);
    this.codes = new CodePool(deps);
    this.inventory = deps.inventory;
  }

  /**
   * Each SKU's stock: shipped goods from the inventory (saleable over the warehouses), a number
   * card from its free numbers, a code-delivered SKU from its codes left; credited goods and
   * catalogue offerings are not counted.
   */
  async stock(products: readonly ProductView[], q?: Db): Promise<Map<number, SkuStock>> {
    const ship = products.filter((p) => p.delivery === 'ship').flatMap((p) => p.skus.map((s) => s.id));
    const code = products.filter((p) => p.delivery === 'code').flatMap((p) => p.skus.map((s) => s.id));
    const number = products.filter((p) => p.delivery === 'number').map((p) => p.id);
    const [levels, codes, numbers] = await Promise.all([this.inventory.levels(ship, q), this.codes.availableCount(code, q), this.numbers.availableCount(number, q)]);
    const out = new Map<number, SkuStock>();
    for (const p of products) {
      for (const s of p.skus) {
        const n = p.delivery === 'ship' ? levels.get(s.id)!.saleable
          : p.delivery === 'code' ? codes.get(s.id) ?? 0
            : p.delivery === 'number' ? numbers.get(p.id) ?? 0
              : null;
        out.set(s.id, { saleable: n, inStock: n === null || n > 0 });
      }
    }
    return out;
  }

  /** The reservation-expiry job of the goods module (number picks not paid in time). */
  releaseExpired(): Promise<number> {
    return this.numbers.releaseExpired();
  }
}
