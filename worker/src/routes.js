// The route table and the handlers: health, preflight and the two lookups.

import { cacheKey, cachedBody, storeBody } from './cache.js';
import { readLookupConfig } from './config.js';
import { readLookup } from './form.js';
import { WorkerError, jsonResponse } from './http.js';
import { enforceRateLimit } from './ratelimit.js';
import { ENDPOINT_METHODS, fetchBacklinks } from './upstream.js';

/**
 * What a handler gets.
 * @typedef {object} RouteContext
 * @property {Request} request
 * @property {Record<string, any>} env The Worker's bindings.
 * @property {import('./log.js').RequestRecord} record Filled in for the log line.
 * @property {import('./cors.js').CorsDecision} cors
 */

/** @typedef {(ctx: RouteContext) => Promise<Response>} Handler */

function refuseForeignOrigin({ cors }) {
  if (!cors.allowed) {
    throw new WorkerError(403, 'origin_not_allowed', 'This origin may not call this Worker; its owner lists allowed origins in ALLOWED_ORIGINS.');
  }
}

/** @type {Handler} */
async function health() {
  return jsonResponse(200, { status: 'ok' });
}

/** @type {Handler} */
async function preflight(ctx) {
  refuseForeignOrigin(ctx);
  return new Response(null, { status: 204 });
}

/**
 * The handler of one lookup endpoint: origin, settings, rate limit, form, cache, upstream.
 * @param {string} endpoint
 * @returns {Handler}
 */
function lookup(endpoint) {
  return async (ctx) => {
    const { request, env, record } = ctx;
    // Browsers send cross-origin form POSTs without a preflight: refuse them before they cost anything.
    refuseForeignOrigin(ctx);
    const config = readLookupConfig(env);
    await enforceRateLimit(request, env);
    const params = await readLookup(request, config.maxNum);
    record.num = params.num;
    const key = cacheKey(request, endpoint, params);
    const cached = await cachedBody(key);
    if (cached !== null) {
      record.cache = 'HIT';
      return jsonResponse(200, cached, { 'x-cache': 'HIT' });
    }
    record.cache = 'MISS';
    const started = Date.now();
    let body;
    try {
      body = await fetchBacklinks(config, endpoint, params);
    } finally {
      record.upstream_ms = Date.now() - started;
    }
    await storeBody(key, body, config.cacheTtlSeconds);
    return jsonResponse(200, body, { 'x-cache': 'MISS' });
  };
}

/** path -> method -> handler */
const ROUTES = {
  '/health': { GET: health },
  ...Object.fromEntries(Object.keys(ENDPOINT_METHODS).map((path) => [path, { POST: lookup(path), OPTIONS: preflight }])),
};

/**
 * Runs the handler of the request's route. Throws a 404 or 405 {@link WorkerError}
 * when there is none, and whatever the handler throws.
 * @param {RouteContext} ctx
 * @returns {Promise<Response>}
 */
export function dispatch(ctx) {
  const methods = ROUTES[new URL(ctx.request.url).pathname];
  if (!methods) throw new WorkerError(404, 'not_found', 'No such route: use POST /v1/get_page_backlinks, POST /v1/get_unique_page_backlinks or GET /health.');
  const handler = methods[ctx.request.method];
  if (!handler) {
    const allow = Object.keys(methods).join(', ');
    throw new WorkerError(405, 'method_not_allowed', `This route takes ${allow} only.`, { headers: { allow } });
  }
  return handler(ctx);
}
