// keywords-everywhere-backlinks Worker: a key-holding, caching, rate-limited proxy of the
// Keywords Everywhere backlinks API, speaking the API's own form protocol and JSON, so
// `new BacklinksClient({ baseUrl: '<this Worker>' })` works against it without a key.

import { applyCors, decideCors } from './cors.js';
import { WorkerError, errorResponse } from './http.js';
import { logRequest, newRecord } from './log.js';
import { dispatch } from './routes.js';

/** The answer to an exception no handler meant: a 500 without detail. */
function unexpected(error, record) {
  record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new WorkerError(500, 'internal_error', 'The Worker failed unexpectedly; try again later.');
}

export default {
  /**
   * Answers one request, adds the CORS headers its origin is granted, and logs one line.
   * @param {Request} request
   * @param {Record<string, any>} env
   * @returns {Promise<Response>}
   */
  async fetch(request, env) {
    const started = Date.now();
    const record = newRecord(request);
    const cors = decideCors(request, env.ALLOWED_ORIGINS);
    let response;
    try {
      response = await dispatch({ request, env, record, cors });
    } catch (caught) {
      const error = caught instanceof WorkerError ? caught : unexpected(caught, record);
      record.code = error.code;
      response = errorResponse(error);
    }
    record.status = response.status;
    applyCors(response, cors, { preflight: request.method === 'OPTIONS' && response.ok });
    logRequest(record, Date.now() - started, env.KE_API_KEY);
    return response;
  },
};
