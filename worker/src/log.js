// One structured JSON line per request (Workers Logs indexes its fields). It never holds a
// request header, the client's address, the page, the API key or an access token: every
// text field is redacted of the key and the tokens before the record is serialised.

import { redact } from './secret.js';

/** Where the record keeps the Worker's own origin (for cache keys): a symbol, never serialised. */
const ORIGIN = Symbol('origin');

/**
 * What one request did, filled in as it is handled.
 * @typedef {object} RequestRecord
 * @property {string} method
 * @property {string} route The path.
 * @property {number} [status]
 * @property {'token'|'origin'|null} via How the caller got in (auth.js).
 * @property {string|null} kind The lookup kind.
 * @property {number|null} num The `num` asked for, once read.
 * @property {'HIT'|'MISS'|null} cache Set for lookups that got as far as the cache.
 * @property {boolean|null} merged True when a miss shared another identical call's answer.
 * @property {number|null} credits Credits committed to the budget by this request.
 * @property {number|null} upstream_ms Time the API call took (inside the merging object).
 * @property {number|null} budget_ms Time spent reserving and settling in the budget object.
 * @property {number|null} merge_ms Time the merging object added around the API call.
 * @property {string|null} code The error code, for an error answer.
 * @property {string|null} cause What really happened upstream, when callers only get a generic answer.
 * @property {string|null} error An unexpected exception's message (never its stack).
 */

/**
 * A fresh record for `request`.
 * @param {Request} request
 * @returns {RequestRecord}
 */
export function newRecord(request) {
  const url = new URL(request.url);
  return {
    method: request.method,
    route: url.pathname,
    status: undefined,
    via: null,
    kind: null,
    num: null,
    cache: null,
    merged: null,
    credits: null,
    upstream_ms: null,
    budget_ms: null,
    merge_ms: null,
    code: null,
    cause: null,
    error: null,
    [ORIGIN]: url.origin,
  };
}

/**
 * The Worker's own origin, as the record's request saw it, or null.
 * @param {RequestRecord|undefined} record
 * @returns {string|null}
 */
export function originOf(record) {
  return record?.[ORIGIN] ?? null;
}

/**
 * Writes the record as one JSON line with console.log, after redacting every text field.
 * @param {RequestRecord} record
 * @param {number} durationMs Time the Worker took to answer.
 * @param {Record<string, unknown>} env The bindings: KE_API_KEY and ACCESS_TOKENS are redacted.
 */
export function logRequest(record, durationMs, env) {
  const secrets = [env.KE_API_KEY, ...String(env.ACCESS_TOKENS ?? '').split(',').map((s) => s.trim())];
  const line = { event: 'request' };
  for (const [name, value] of Object.entries(record)) {
    let text = value;
    if (typeof text === 'string') for (const secret of secrets) if (secret && text.includes(secret)) text = redact(text, secret);
    line[name] = text;
  }
  line.duration_ms = durationMs;
  console.log(JSON.stringify(line));
}
