// JSON answers, the one error type the Worker answers with on purpose, and the headers every
// answer carries.

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A refusal or failure the Worker answers as JSON `{ code, message, field? }`, where `message`
 * is always the Worker's own sentence (never a nested package or upstream message, never a
 * setting's value). Thrown anywhere below the fetch handler; turned into a Response by
 * {@link errorResponse}.
 */
export class WorkerError extends Error {
  /**
   * @param {number} status HTTP status to answer with.
   * @param {string} code Stable machine-readable code, e.g. `"budget_exhausted"`.
   * @param {string} message What happened and what to do.
   * @param {{ field?: string, headers?: Record<string, string>, cause?: string }} [extra]
   *   `field`: the form field at fault; `headers`: extra answer headers (Retry-After);
   *   `cause`: what really happened, for the owner's log line only (never answered).
   */
  constructor(status, code, message, { field, headers = {}, cause } = {}) {
    super(message);
    this.name = 'WorkerError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = headers;
    this.logCause = cause;
  }
}

/**
 * A JSON response that no browser or shared cache keeps (the Worker caches on its own terms).
 * @param {number} status
 * @param {unknown} value Serialized with JSON.stringify, or sent as is when already JSON text
 *   or a stream of it.
 * @param {Record<string, string>} [headers]
 * @returns {Response}
 */
export function jsonResponse(status, value, headers = {}) {
  const body = typeof value === 'string' || value instanceof ReadableStream ? value : JSON.stringify(value);
  return new Response(body, {
    status,
    headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers },
  });
}

/**
 * The JSON answer for a {@link WorkerError}: `{ code, message, field? }`, never a stack trace,
 * with `x-should-retry: false` (the Worker has retried upstream already; a client that
 * retries would only multiply the calls).
 * @param {WorkerError} error
 * @returns {Response}
 */
export function errorResponse(error) {
  const body = { code: error.code, message: error.message };
  if (error.field) body.field = error.field;
  return jsonResponse(error.status, body, { ...error.headers, 'x-should-retry': 'false' });
}

/**
 * Adds what every answer carries, whatever produced it.
 * @param {Response} response A response with mutable headers.
 * @returns {Response} The same response.
 */
export function finishHeaders(response) {
  response.headers.set('x-content-type-options', 'nosniff');
  return response;
}
