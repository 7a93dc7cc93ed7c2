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

/** Parameters of one page lookup. Unknown fields are refused. */
export interface BacklinksParams {
  /** The absolute http(s) URL of the page whose backlinks you want. */
  page: string;
  /** The most backlinks to return, a whole number from 1 to 10000; each costs credits. */
  num: number;
  /** Aborts the call: before it is sent, while it runs, or while it waits to retry. */
  signal?: AbortSignal;
}

/** Parameters of one domain lookup. Unknown fields are refused. */
export interface DomainBacklinksParams {
  /**
   * A bare host name such as `"example.com"` or `"blog.example.co.uk"`, sent
   * exactly as given. A URL, a path, a port, `user@` or white space is
   * refused (`invalid_argument`, `field: 'domain'`).
   */
  domain: string;
  /** The most backlinks to return, a whole number from 1 to 10000; each costs credits. */
  num: number;
  /** Aborts the call: before it is sent, while it runs, or while it waits to retry. */
  signal?: AbortSignal;
}

/** Parameters of `getCredits`. Unknown fields are refused. */
export interface CreditsParams {
  /** Aborts the call: before it is sent, while it runs, or while it waits to retry. */
  signal?: AbortSignal;
}

/**
 * The four lookups, by the names `estimateCredits` and `lookupBody` take.
 * `'unique'` is the former name of `'unique_page'` and stays accepted.
 */
export type BacklinksKind = 'page' | 'unique_page' | 'domain' | 'unique_domain' | 'unique';

/** The kinds that look up a page (`{ page, num }`). */
export type PageKind = 'page' | 'unique_page' | 'unique';

/** The kinds that look up a whole domain (`{ domain, num }`). */
export type DomainKind = 'domain' | 'unique_domain';

/** What `lookupBody` resolves to: the checked answer as text, for a proxy to pass on. */
export interface LookupBody {
  /** The API's 2xx body exactly as received (the package checked it; never re-serialised). */
  body: string;
  /** The credits the answer says it consumed, read as `BacklinksResponse.credits_consumed` is. */
  credits_consumed: number;
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

/**
 * The API's answer. Top-level fields beyond these three are passed through
 * untouched (at run time they are there; name them by extending this type).
 */
export interface BacklinksResponse {
  /** The backlinks as the API returned them (it returns at most `num`). */
  data: Backlink[];
  /** Credits the call consumed: a number, or a numeric string, as a number; otherwise 0. */
  credits_consumed: number;
  /** Seconds the API took: a number, or a numeric string, as a number; otherwise 0. */
  time_taken: number;
  /** Set by this repository's Worker when the answer came from its cache (no credits charged). */
  worker_cache?: 'HIT';
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
  | 'invalid_response'
  | 'budget_exceeded'
  | 'dry_run';

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

/** A client for the four backlinks lookups and the balance. */
export class BacklinksClient {
  /** Throws `KeywordsEverywhereError` (`invalid_argument`) when an option is wrong. */
  constructor(options?: BacklinksClientOptions);
  /** `POST /v1/get_page_backlinks`: 1 credit per backlink returned. Never throws; rejects. */
  getPageBacklinks(params: BacklinksParams): Promise<BacklinksResponse>;
  /** `POST /v1/get_unique_page_backlinks`: one per source domain, 5 credits per backlink. Never throws; rejects. */
  getUniquePageBacklinks(params: BacklinksParams): Promise<BacklinksResponse>;
  /** `POST /v1/get_domain_backlinks`: the whole domain's backlinks, 1 credit per backlink returned. Never throws; rejects. */
  getDomainBacklinks(params: DomainBacklinksParams): Promise<BacklinksResponse>;
  /** `POST /v1/get_unique_domain_backlinks`: one per source domain, 5 credits per backlink. Never throws; rejects. */
  getUniqueDomainBacklinks(params: DomainBacklinksParams): Promise<BacklinksResponse>;
  /**
   * `GET /v1/account/credits`: the account's balance in credits (the API
   * answers `[95597755]`; anything else is `invalid_response`). Costs
   * nothing. Never throws; rejects.
   */
  getCredits(params?: CreditsParams): Promise<number>;
  /**
   * For proxies: the lookup `kind` names, with the same checks, retries and
   * errors as its method, resolving to the checked 2xx body as text (to
   * answer with as it is) and the credits it says it consumed.
   */
  lookupBody(kind: PageKind, params: BacklinksParams): Promise<LookupBody>;
  lookupBody(kind: DomainKind, params: DomainBacklinksParams): Promise<LookupBody>;
  /**
   * One lookup per target, at most `concurrency` in flight, never past
   * `maxCredits`. Rejects (`invalid_argument`, naming the field) only when the
   * run's own options are wrong; otherwise resolves, also when aborted, with
   * one result per target in input order.
   */
  lookupMany(options: LookupManyOptions): Promise<LookupManyResult>;
  /** Frees the client's wasm memory now (otherwise the garbage collector does). */
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * Worst-case credits: `num` for `'page'` and `'domain'`, `num * 5` for
 * `'unique_page'` (or `'unique'`) and `'unique_domain'`. Throws on a bad kind or num.
 */
export function estimateCredits(kind: BacklinksKind, num: number): number;

/** The four lookups, by the names `lookupMany` takes. */
export type LookupKind = 'page' | 'unique_page' | 'domain' | 'unique_domain';

/** Where a bulk run stands, after each target settles. */
export interface LookupManyProgress {
  /** Targets settled (ok, failed or skipped); never goes down, ends at `total`. */
  done: number;
  /** Targets in the run. */
  total: number;
  /** Targets answered. */
  ok: number;
  /** Targets failed (not valid for the kind, or their call failed). */
  failed: number;
  /** Targets never sent. */
  skipped: number;
  /** Credits the answers so far say they consumed. */
  creditsConsumed: number;
  /** Credits reserved by the calls in flight (each one's worst case). */
  creditsReserved: number;
}

/** Options of `client.lookupMany`. Unknown options are refused. */
export interface LookupManyOptions {
  /** Which lookup each target gets. */
  kind: LookupKind;
  /** Pages (absolute http(s) URLs) or domains, as `kind` says. */
  targets: readonly string[];
  /** Backlinks per target, a whole number from 1 to 10000. */
  num: number;
  /** Calls in flight at most, retries included; default 4, a whole number from 1 to 32. */
  concurrency?: number;
  /** Hard cap on the credits the whole run may spend: a whole number, 0 or more. */
  maxCredits?: number;
  /** Send nothing: check every target and price the run. */
  dryRun?: boolean;
  /** Aborts the run: calls in flight fail with `aborted`, targets not sent are skipped with `aborted`. */
  signal?: AbortSignal;
  /** Runs after every target settles. What it throws is ignored. */
  onProgress?: (progress: LookupManyProgress) => void;
}

/** One target's result in a bulk run. */
export type LookupManyItem =
  | { target: string; status: 'ok'; response: BacklinksResponse }
  | { target: string; status: 'failed' | 'skipped'; error: KeywordsEverywhereError };

/** What `lookupMany` resolves to. */
export interface LookupManyResult {
  /** One per target, in input order. */
  results: LookupManyItem[];
  /** Credits the answers say they consumed. */
  creditsConsumed: number;
  /** `num` x the kind's price x the number of valid targets. */
  worstCaseCredits: number;
}

/** A lookup's backlinks, counted. Each list: most backlinks first, then by name (UTF-16 code-unit order). */
export interface BacklinksSummary {
  /** How many backlinks the response holds. */
  backlinks: number;
  /** By `domain_source`. */
  referringDomains: Array<{ domain: string; backlinks: number }>;
  /** By `anchor_text`; an empty anchor counts under `''`. */
  anchors: Array<{ text: string; backlinks: number }>;
  /** By `url_target`. */
  targets: Array<{ url: string; backlinks: number }>;
}

/** Counts a lookup's backlinks by referring domain, anchor and linked URL. Throws `invalid_argument` when `response` is not a lookup's answer. */
export function summarize(response: Pick<BacklinksResponse, 'data'>): BacklinksSummary;
