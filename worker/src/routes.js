// The route table: the four lookups and the MCP endpoint (handled in index.js), and the free
// routes answered here. Every route answers a CORS preflight the same way.

import { readBudget } from './budget.js';
import { readMaxNum } from './config.js';
import { WorkerError, jsonResponse } from './http.js';
import { KIND_BY_PATH } from './kinds.js';

/**
 * A matched route: a lookup kind, the MCP endpoint, or a handler of a free route.
 * @typedef {{ lookup: import('./kinds.js').KindInfo } | { mcp: true } | { handle: (request: Request, env: Record<string, any>) => Promise<Response> }} Route
 */

/** The MCP endpoint (mcp.js): it answers every method but OPTIONS itself, a token first. */
const MCP_PATH = '/mcp';

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
 * OPTIONS: a CORS preflight, of any route (/mcp too: a preflight carries no token, and it
 * spends nothing), 204 for an allowed origin (index.js adds its headers), else 403.
 */
function preflight(allowed) {
  return async (request) => {
    if (!allowed(request)) {
      throw new WorkerError(403, 'origin_not_allowed', 'This origin may not call this Worker from a browser; its owner lists allowed origins in ALLOWED_ORIGINS.');
    }
    return new Response(null, { status: 204 });
  };
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
  const mcp = path === MCP_PATH;
  const methods = lookup || mcp ? { POST: null } : FREE_ROUTES[path];
  if (!methods) throw new WorkerError(404, 'not_found', `No such route. Routes: ${ALL_PATHS}.`);
  if (request.method === 'OPTIONS') return { handle: preflight(allowed) };
  if (mcp) return { mcp: true }; // its 401 comes before its 405 (mcp.js)
  if (!Object.hasOwn(methods, request.method)) {
    const allow = [...Object.keys(methods), 'OPTIONS'].join(', ');
    throw new WorkerError(405, 'method_not_allowed', `This route takes ${allow} only.`, { headers: { allow } });
  }
  return lookup ? { lookup } : { handle: methods[request.method] };
}
