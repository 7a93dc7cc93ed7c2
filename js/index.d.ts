// Types of the keywords-everywhere-backlinks package (every runtime entry).

/** Options of `new BacklinksClient(options)`. Unknown options are refused. */
export interface BacklinksClientOptions {
  /**
   * Sent as `Authorization: Bearer <apiKey>`. May be left out only when
   * `baseUrl` is a proxy that holds the key (such as this package's Worker).
   */
  apiKey?: string;
  /** Default `"https://api.keywordseverywhere.com"`; an http(s) URL; a trailing slash is fine. */
  baseUrl?: string;
  /** Time limit of one attempt in ms; default 30000; a whole number from 1 to 600000. */
  timeoutMs?: number;
  /** Retries of 429, 5xx and network errors; default 2; a whole number from 0 to 10. */
  maxRetries?: number;
}

/** Parameters of one lookup. Unknown fields are refused. */
export interface BacklinksParams {
  /** The absolute http(s) URL of the page whose backlinks you want. */
  page: string;
  /** The most backlinks to return, a whole number from 1 to 10000; each costs credits. */
  num: number;
  /** Aborts the call: before it is sent, while it runs, or while it waits to retry. */
  signal?: AbortSignal;
}

/** One backlink, with the API's own field names. Missing or null fields are `""`. */
export interface Backlink {
  /** The anchor text of the link. */
  anchor_text: string;
  /** The domain where the link is placed. */
  domain_source: string;
  /** The domain which is being linked. */
  domain_target: string;
  /** The URL where the link is placed. */
  url_source: string;
  /** The URL which is being linked. */
  url_target: string;
}

/** The API's answer. */
export interface BacklinksResponse {
  /** The backlinks as the API returned them (it returns at most `num`). */
  data: Backlink[];
  /** Credits the call consumed (0 when the API did not say). */
  credits_consumed: number;
  /** Seconds the API took (0 when the API did not say). */
  time_taken: number;
}

/** The stable codes of `KeywordsEverywhereError`. */
export type KeywordsEverywhereErrorCode =
  | 'invalid_argument'
  | 'bad_request'
  | 'unauthorized'
  | 'subscription_required'
  | 'plan_required'
  | 'insufficient_credits'
  | 'payment_required'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'invalid_response';

/** Every failure of this package. `message` says what happened and what to do. */
export class KeywordsEverywhereError extends Error {
  constructor(message: string, details?: {
    code?: KeywordsEverywhereErrorCode;
    status?: number;
    description?: string;
    field?: string;
    retryAfter?: number;
  });
  readonly name: 'KeywordsEverywhereError';
  /** What went wrong, as a stable code. */
  readonly code: KeywordsEverywhereErrorCode;
  /** The HTTP status, when a response came. */
  readonly status: number | undefined;
  /** The API's own `description`, when it gave one. */
  readonly description: string | undefined;
  /** The option or parameter at fault, for `invalid_argument`. */
  readonly field: string | undefined;
  /** Seconds the server asked to wait, for `rate_limited` when it said. */
  readonly retryAfter: number | undefined;
}

/** A client for the two backlinks endpoints. */
export class BacklinksClient {
  /** Throws `KeywordsEverywhereError` (`invalid_argument`) when an option is wrong. */
  constructor(options?: BacklinksClientOptions);
  /** `POST /v1/get_page_backlinks`: 1 credit per backlink returned. Never throws; rejects. */
  getPageBacklinks(params: BacklinksParams): Promise<BacklinksResponse>;
  /** `POST /v1/get_unique_page_backlinks`: one per source domain, 5 credits per backlink. Never throws; rejects. */
  getUniquePageBacklinks(params: BacklinksParams): Promise<BacklinksResponse>;
  /** Frees the client's wasm memory now (otherwise the garbage collector does). */
  free(): void;
  [Symbol.dispose](): void;
}

/** Worst-case credits: `num` for `'page'`, `num * 5` for `'unique'`. Throws on a bad kind or num. */
export function estimateCredits(kind: 'page' | 'unique', num: number): number;
