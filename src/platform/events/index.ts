// Events between modules and nodes: the bus port, the in-process bus (the default) and the bus
// over NATS JetStream (NATS_URL).
export { DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_DELIVER, subjectMatches, type BusEvent, type Consumer, type ConsumerOptions, type EventBus, type EventHandler } from './bus.ts';
export { InProcessBus } from './in-process.ts';
export { NatsBus, type NatsBusOptions } from './nats.ts';
export { EventOutbox, writeEvent } from './outbox.ts';
export { eventsMigrations } from './migrations/index.ts';
export { EVENT_SUBJECTS, type BalanceLowEvent, type BillIssuedEvent, type BusinessCalledEvent, type UsageThresholdEvent } from './subjects.ts';

import type { EventBus } from './bus.ts';
import { InProcessBus } from './in-process.ts';
import { NatsBus } from './nats.ts';

/** The bus the configuration asks for: NATS JetStream with a URL, else in-process. */
export async function openEventBus(o: { natsUrl?: string; prefix?: string }): Promise<EventBus> {
  return o.natsUrl ? NatsBus.connect({ url: o.natsUrl, prefix: o.prefix }) : new InProcessBus();
}
