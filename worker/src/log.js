// One structured JSON line per request (Workers Logs indexes its fields). It never holds a
// request header, the client's address, the page, the API key or an access token: every
// text field is redacted of the key and the tokens before the record is serialised.
//
// Cache hits of the HTTP lookup routes are sampled (HIT_LOG_SAMPLE_RATE, 0.01 by default):
// they are the high-volume path, cost the owner nothing, and each line is a billed Workers
// Logs event and CPU on the hit path. Every other request (a miss, an error, a refusal, an
// MCP call) is always logged. Every line carries `sample_rate`: the share of its kind of
// event that is logged (1 for all but sampled hits), so one line stands for 1/sample_rate.

import { readHitLogSampleRate } from './config.js';
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
 * @param {URL} [url] The request's URL, when the caller has parsed it already.
 * @returns {RequestRecord}
 */
export function newRecord(request, url = new URL(request.url)) {
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
 * Whether the record is a sampled event: a cache hit answered by an HTTP lookup route (status
 * 200, `cache` HIT). Misses, errors, refusals and MCP calls (route /mcp) are always logged.
 * @param {RequestRecord} record
 * @returns {boolean}
 */
function isSampledEvent(record) {
  return record.status === 200 && record.cache === 'HIT' && record.route !== '/mcp';
}

/**
 * The share of this record's kind of event that is logged: HIT_LOG_SAMPLE_RATE for a sampled
 * event, 1 for every other. A rate that cannot be read logs the line (a hit has already
 * passed readLookupConfig, so that does not happen in the Worker).
 * @param {RequestRecord} record
 * @param {Record<string, unknown>} env
 * @returns {number}
 */
function sampleRateOf(record, env) {
  if (!isSampledEvent(record)) return 1;
  try {
    return readHitLogSampleRate(env);
  } catch {
    return 1;
  }
}

/**
 * Writes the record as one JSON line with console.log, after redacting every text field,
 * unless it is a cache hit left out by sampling (then nothing is serialised or written).
 * @param {RequestRecord} record
 * @param {number} durationMs Time the Worker took to answer.
 * @param {Record<string, unknown>} env The bindings: KE_API_KEY and ACCESS_TOKENS are redacted;
 *   HIT_LOG_SAMPLE_RATE samples cache hits.
 * @param {() => number} [random] The sampling decision's random number in [0, 1) (Math.random; tests pass their own).
 * @returns {boolean} Whether a line was written.
 */
export function logRequest(record, durationMs, env, random = Math.random) {
  const rate = sampleRateOf(record, env);
  // random() is in [0, 1): a rate of 1 keeps every line, 0 none.
  if (rate < 1 && !(random() < rate)) return false;
  const secrets = [env.KE_API_KEY, ...String(env.ACCESS_TOKENS ?? '').split(',').map((s) => s.trim())];
  const line = { event: 'request' };
  for (const [name, value] of Object.entries(record)) {
    let text = value;
    if (typeof text === 'string') for (const secret of secrets) if (secret && text.includes(secret)) text = redact(text, secret);
    line[name] = text;
  }
  line.duration_ms = durationMs;
  line.sample_rate = rate;
  console.log(JSON.stringify(line));
  return true;
}
