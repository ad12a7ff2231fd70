// The marketing module's services together, as the wiring hands them out.
import type { Db } from '../../platform/db/index.ts';
import type { Clock } from '../../platform/ports.ts';
import type { AuditLog } from '../../platform/audit.ts';
import type { CatalogueReader } from '../catalogue/index.ts';
import { FeatureMart } from './feature-mart.ts';
import { SegmentService } from './segments.service.ts';
import { OfferService } from './offers.service.ts';
import { OfferDecisions } from './decisions.ts';
import { ContactPolicy } from './contact-policy.ts';
import { cryptoRandom, type Random } from '../../platform/ports.ts';
import { CallListService } from './call-lists.service.ts';
import { ResultsService } from './results.ts';
import { OfferLinks } from './links.ts';

/** How often a node brings the features mart up to date with what changed. */
export const FEATURE_REFRESH_MS = 60_000;

export class Marketing {
  readonly mart: FeatureMart;
  readonly segments: SegmentService;
  readonly offers: OfferService;
  readonly decisions: OfferDecisions;
  readonly contacts: ContactPolicy;
  /** Outbound call lists with their holdouts and the three rates. */
  readonly callLists: CallListService;
  readonly results: ResultsService;
  /** One-click links into one offer. */
  readonly links: OfferLinks;
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(deps: { db: Db; clock: Clock; audit: AuditLog; catalogue: CatalogueReader; random?: Random }) {
    this.mart = new FeatureMart(deps);
    this.segments = new SegmentService(deps);
    this.offers = new OfferService(deps);
    this.decisions = new OfferDecisions({ ...deps, offers: this.offers, mart: this.mart });
    this.contacts = new ContactPolicy(deps);
    this.callLists = new CallListService({ ...deps, segments: this.segments, offers: this.offers, contacts: this.contacts });
    this.results = new ResultsService({ ...deps, callLists: this.callLists });
    this.links = new OfferLinks({ ...deps, random: deps.random ?? cryptoRandom });
  }

  /**
   * Keeps the mart current: a full pass shortly after start when it has never run (off the
   * start-up path), then what changed, every minute.
   */
  start(onError: (e: unknown) => void): void {
    const pass = () => {
      this.running = this.mart.refreshChanged().catch((e: unknown) => { try { onError(e); } catch { /* the next pass tries again */ } });
    };
    this.first = setTimeout(pass, 2_000);
    this.first.unref();
    this.timer = setInterval(pass, FEATURE_REFRESH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
