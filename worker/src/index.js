// keywords-everywhere-backlinks Worker: a key-holding proxy of the Keywords Everywhere
// backlinks API that cannot be drained. It speaks the API's own form protocol and JSON, so
// `new BacklinksClient({ apiKey: '<access token>', baseUrl: '<this Worker>' })` works against it.
//
// A lookup, top to bottom:
//   route -> access (auth.js: a listed token or an allowed Origin, else 401)
//         -> body (form.js: streamed, 16 KiB at most)
//         -> runLookup (lookup.js): normalise -> cache -> rate limit -> budget -> merged upstream miss
// /mcp (mcp.js): a listed token, else 401; then MCP tool calls run the same runLookup.

import { authorize } from './auth.js';
import { allowedOrigin, applyCors } from './cors.js';
import { readForm } from './form.js';
import { WorkerError, errorResponse, finishHeaders, jsonResponse } from './http.js';
import { logRequest, newRecord } from './log.js';
import { runLookup } from './lookup.js';
import { findRoute } from './routes.js';

export { BudgetObject } from './budget.js';
export { LookupObject } from './coalesce.js';

/** One lookup route: access, body, then the shared pipeline. */
async function lookUp(request, env, ctx, record, { kind, field }) {
  const { caller, via } = authorize(request, env);
  record.via = via;
  const form = await readForm(request);
  const { body, cache } = await runLookup({ env, ctx, record, caller, kind, target: form.get(field), num: form.get('num') });
  return jsonResponse(200, body, { 'x-cache': cache });
}

/** The answer to an exception no handler meant: a 500 without detail. */
function unexpected(error, record) {
  record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new WorkerError(500, 'internal_error', 'The Worker failed unexpectedly; try again later.');
}

export default {
  /**
   * Answers one request, adds the headers every answer carries and the CORS headers its
   * origin is granted, and logs one line.
   * @param {Request} request
   * @param {Record<string, any>} env
   * @param {ExecutionContext} ctx
   * @returns {Promise<Response>}
   */
  async fetch(request, env, ctx) {
    const started = Date.now();
    const url = new URL(request.url);
    const record = newRecord(request, url);
    const origin = allowedOrigin(request, env);
    let response;
    try {
      const route = findRoute(request, () => origin !== null, url.pathname);
      if (route.mcp) {
        // Loaded on first use: the MCP SDK costs ~100 ms of startup CPU the other routes need not pay.
        response = await (await import('./mcp.js')).handleMcp({ request, env, ctx, record });
      } else {
        response = route.lookup ? await lookUp(request, env, ctx, record, route.lookup) : await route.handle(request, env);
      }
    } catch (caught) {
      const error = caught instanceof WorkerError ? caught : unexpected(caught, record);
      record.code = error.code;
      response = errorResponse(error);
    }
    record.status = response.status;
    applyCors(finishHeaders(response), origin, { preflight: request.method === 'OPTIONS' && response.ok });
    logRequest(record, Date.now() - started, env);
    return response;
  },
};
