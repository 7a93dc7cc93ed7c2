// One structured JSON line per request (Workers Logs indexes its fields).
// It never holds the API key or any request header such as Authorization.

import { redact } from './secret.js';

/**
 * What one request did, filled in as it is handled.
 * @typedef {object} RequestRecord
 * @property {string} method
 * @property {string} route The matched route, or the path of an unknown one.
 * @property {number} [status]
 * @property {'HIT'|'MISS'|null} cache Set for lookups that got as far as the cache.
 * @property {number|null} upstream_ms Time spent calling the API, when it was called.
 * @property {number|null} num The `num` asked for, once parsed.
 * @property {string|null} code The error code, for an error answer.
 * @property {string|null} error An unexpected exception's message (never its stack).
 */

/**
 * A fresh record for `request`.
 * @param {Request} request
 * @returns {RequestRecord}
 */
export function newRecord(request) {
  return {
    method: request.method,
    route: new URL(request.url).pathname,
    status: undefined,
    cache: null,
    upstream_ms: null,
    num: null,
    code: null,
    error: null,
  };
}

/**
 * Writes the record as one JSON line with console.log.
 * @param {RequestRecord} record
 * @param {number} durationMs Time the Worker took to answer.
 * @param {unknown} secret The API key, redacted should it ever appear.
 */
export function logRequest(record, durationMs, secret) {
  const line = JSON.stringify({ event: 'request', ...record, duration_ms: durationMs });
  console.log(redact(line, secret));
}
