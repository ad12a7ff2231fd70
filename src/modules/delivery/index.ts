// The delivery module's public face (docs/mall.md, "Delivery"): shipments per order with their
// timeline, carriers behind a port (the demo carrier built in), their signed webhook events, and
// returns within seven days of signing; owners (checkout) register a reference prefix.
export {
  Delivery, RETURN_DAYS, localText, returnDeadline, returnView,
  type CarrierEvent, type NewShipment, type ReturnView, type ShipmentOwner, type ShipmentView, type TimelineView,
} from './delivery.service.ts';
export { configuredCarrier, demoCarrier, signEvent, verifyEvent, type Carrier } from './carriers.ts';
export { STATE_NAMES, movesForward } from './states.ts';
export { RETURN_STATES, SHIPMENT_STATES, type Address, type ReturnLine, type ReturnRequest, type ReturnState, type Shipment, type ShipmentEvent, type ShipmentState } from './tables.ts';
export { deliveryMigrations } from './migrations/index.ts';
