// Lookups of subscribers that are not a business: a number to its subscriber (sign-in, staff
// acting for a customer), and TMF629's customer reads.
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import * as customers from './customer.repository.ts';

export class SubscriberService {
  constructor(private readonly db: Db) {}

  /** The subscriber with this number (any status), with what sign-in needs to know. */
  byMsisdn(msisdn: string, q: Db = this.db) {
    return q.selectFrom('subscriber').select(['id', 'status', 'language']).where('msisdn', '=', msisdn).executeTakeFirst();
  }

  /** Who these subscribers are to write to (a broadcast's recipients): number, name and language; unknown ids left out. */
  async contactDetails(ids: readonly number[]): Promise<{ subscriberId: number; msisdn: string; name: string; language: 'zh-CN' | 'en'; status: 'active' | 'suspended' | 'closed' }[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('subscriber').select(['id', 'msisdn', 'name', 'language', 'status']).where('id', 'in', [...ids]).execute();
    return rows.map((r) => ({ subscriberId: r.id, msisdn: r.msisdn, name: r.name, language: r.language, status: r.status }));
  }

  async exists(id: number): Promise<boolean> {
    return (await this.db.selectFrom('subscriber').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  customer(id: number) {
    return customers.getCustomer(this.db, id);
  }

  customers(f: customers.CustomerFilter, p: Page) {
    return customers.listCustomers(this.db, f, p);
  }
}
