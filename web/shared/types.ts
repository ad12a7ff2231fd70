// The shapes the REST API answers with, taken from the types generated from the server's
// OpenAPI document (api-types.ts, by scripts/web-types.mjs), plus what that document leaves
// open: a business's input JSON Schema and the quote a confirmation problem carries.
import type { paths } from './api-types.ts';
import type { L10n } from './i18n.ts';

export type { L10n, Lang } from './i18n.ts';
export { LANGS } from './i18n.ts';
export type { paths } from './api-types.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON body of a path's answer with this status, as the server's document describes it. */
export type ResponseOf<P extends keyof paths, M extends Method, S extends number> =
  paths[P] extends { [K in M]: { responses: { [C in S]: { content: { 'application/json': infer B } } } } } ? B : never;

/** The JSON body a path takes. */
export type RequestOf<P extends keyof paths, M extends Method> =
  paths[P] extends { [K in M]: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never;

/** The query string a path's operation takes (its `parameters.query`). */
export type QueryOf<P extends keyof paths, M extends Method> =
  paths[P] extends { [K in M]: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;

/** Where a form gets the choices for an input: run `business`, take `result[list][*][value]`. */
export interface OptionsSource {
  business: string;
  list: string;
  value: string;
}

/** The part of JSON Schema (draft 2020-12) that business inputs use. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  default?: unknown;
  'x-options'?: OptionsSource;
}

/** A registry business as `GET /businesses` lists it; its input schema read as JSON Schema. */
export type BusinessInfo = Omit<ResponseOf<'/api/v1/businesses', 'get', 200>['businesses'][number], 'input'> & { input: JsonSchema };

type RunAnswer = ResponseOf<'/api/v1/businesses/{id}', 'post', 200>;

export type BusinessText = RunAnswer['text'];

/** A business's answer; `result` is the business's own data. */
export type RunResult<T = unknown> = Omit<RunAnswer, 'result'> & { result: T };

export type OutboxMessage = ResponseOf<'/api/v1/demo/sms-outbox', 'get', 200>['messages'][number];

/**
 * What a charging business will do, shown before the subscriber confirms: the `quote` of a 409
 * CONFIRMATION_REQUIRED or PRICE_CHANGED problem (the document describes problems without it).
 */
export interface Quote {
  businessId: string;
  summary: L10n;
  priceFen: number;
  /** A monthly fee it commits to (plan changes). */
  recurringFen?: number;
  /** Points it spends (rewards). */
  costPoints?: number;
  effectiveFrom?: string;
  /** Every amount agreed to; sent back with the confirmation, so changed terms are refused. */
  terms: string;
}
