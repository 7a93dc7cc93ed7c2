// The route table: the four lookups (handled in index.js), and the free routes answered here.

import { readBudget } from './budget.js';
import { readMaxNum } from './config.js';
import { WorkerError, jsonResponse } from './http.js';
import { KIND_BY_PATH } from './kinds.js';

/**
 * A matched route: a lookup kind, or a handler of a free route.
 * @typedef {{ lookup: import('./kinds.js').KindInfo } | { handle: (request: Request, env: Record<string, any>) => Promise<Response> }} Route
 */

/** GET /health: needs no secret and no binding. */
async function health() {
  return jsonResponse(200, { status: 'ok' });
}

/** GET /budget: `{ limit, spent, reserved, remaining, resets_at }`. */
async function budget(_request, env) {
  return jsonResponse(200, await readBudget(env));
}

/** GET /config: what a page needs to know of this Worker's limits; no secrets. */
async function config(_request, env) {
  const maxNum = readMaxNum(env);
  const { limit, remaining, resets_at } = await readBudget(env);
  return jsonResponse(200, { maxNum, budget: { limit, remaining, resets_at } });
}

/**
 * OPTIONS: a CORS preflight, of any route a browser may call (the lookups, the GET routes
 * and /mcp). It carries no token and spends nothing: 204 for an allowed origin (index.js
 * adds its headers), else a 403 {@link WorkerError}.
 * @param {Request} request
 * @param {(request: Request) => boolean} allowed Whether the request's Origin is allowed.
 * @returns {Response}
 */
export function answerPreflight(request, allowed) {
  if (!allowed(request)) {
    throw new WorkerError(403, 'origin_not_allowed', 'This origin may not call this Worker from a browser; its owner lists allowed origins in ALLOWED_ORIGINS.');
  }
  return new Response(null, { status: 204 });
}

const FREE_ROUTES = { '/health': { GET: health }, '/budget': { GET: budget }, '/config': { GET: config } };

const ALL_PATHS = 'POST /v1/get_page_backlinks, /v1/get_unique_page_backlinks, /v1/get_domain_backlinks, /v1/get_unique_domain_backlinks; GET /config, /budget, /health; POST /mcp (MCP)';

/**
 * The route of a request. Throws a 404 or 405 {@link WorkerError} when there is none.
 * @param {Request} request
 * @param {(request: Request) => boolean} allowed Whether the request's Origin is allowed (for preflights).
 * @param {string} [path] The request's path, when the caller has parsed its URL already.
 * @returns {Route}
 */
export function findRoute(request, allowed, path = new URL(request.url).pathname) {
  const lookup = KIND_BY_PATH[path];
  const methods = lookup ? { POST: null } : FREE_ROUTES[path];
  if (!methods) throw new WorkerError(404, 'not_found', `No such route. Routes: ${ALL_PATHS}.`);
  if (request.method === 'OPTIONS') return { handle: async (req) => answerPreflight(req, allowed) };
  if (!Object.hasOwn(methods, request.method)) {
    const allow = [...Object.keys(methods), 'OPTIONS'].join(', ');
    throw new WorkerError(405, 'method_not_allowed', `This route takes ${allow} only.`, { headers: { allow } });
  }
  return lookup ? { lookup } : { handle: methods[request.method] };
}
