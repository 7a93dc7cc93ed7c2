// JSON answers and the one error type the Worker answers with on purpose.

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A refusal or failure the Worker answers as JSON `{ code, message, description?, field? }`.
 * Thrown anywhere below the fetch handler; turned into a Response by {@link errorResponse}.
 */
export class WorkerError extends Error {
  /**
   * @param {number} status HTTP status to answer with.
   * @param {string} code Stable machine-readable code, e.g. `"misconfigured"`.
   * @param {string} message What happened and what to do.
   * @param {{ description?: string, field?: string, headers?: Record<string, string> }} [extra]
   */
  constructor(status, code, message, { description, field, headers = {} } = {}) {
    super(message);
    this.name = 'WorkerError';
    this.status = status;
    this.code = code;
    this.description = description;
    this.field = field;
    this.headers = headers;
  }
}

/**
 * A JSON response that no browser or shared cache keeps (the Worker caches on its own terms).
 * @param {number} status
 * @param {unknown} value Serialized with JSON.stringify, or sent as is when already a string.
 * @param {Record<string, string>} [headers]
 * @returns {Response}
 */
export function jsonResponse(status, value, headers = {}) {
  const body = typeof value === 'string' ? value : JSON.stringify(value);
  return new Response(body, {
    status,
    headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers },
  });
}

/**
 * The JSON answer for a {@link WorkerError}: never a stack trace.
 * @param {WorkerError} error
 * @returns {Response}
 */
export function errorResponse(error) {
  const body = { code: error.code, message: error.message };
  if (error.description) body.description = error.description;
  if (error.field) body.field = error.field;
  return jsonResponse(error.status, body, error.headers);
}
