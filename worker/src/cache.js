// Successful answers kept in the Workers Cache API (caches.default), keyed by
// endpoint + page + num as a synthetic GET URL on the Worker's own origin.
// On *.workers.dev the Cache API does nothing: every lookup is a MISS (see README).

/**
 * The cache key of a lookup.
 * @param {Request} request The incoming request (its origin scopes the key).
 * @param {string} endpoint The endpoint path, e.g. `/v1/get_page_backlinks`.
 * @param {{ page: string|undefined, num: number }} lookup
 * @returns {Request}
 */
export function cacheKey(request, endpoint, { page, num }) {
  const url = new URL(`/__cache${endpoint}`, request.url);
  url.search = new URLSearchParams({ page: page ?? '', num: String(num) }).toString();
  return new Request(url.toString(), { method: 'GET' });
}

/**
 * The cached body of a lookup, or null.
 * @param {Request} key From {@link cacheKey}.
 * @returns {Promise<string|null>}
 */
export async function cachedBody(key) {
  const hit = await caches.default.match(key);
  return hit ? hit.text() : null;
}

/**
 * Keeps a successful answer's body for `ttlSeconds` (nothing when 0).
 * Awaited rather than deferred, so the very next request can hit.
 * @param {Request} key From {@link cacheKey}.
 * @param {string} body The JSON body.
 * @param {number} ttlSeconds
 * @returns {Promise<void>}
 */
export async function storeBody(key, body, ttlSeconds) {
  if (ttlSeconds <= 0) return;
  const response = new Response(body, {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${ttlSeconds}` },
  });
  await caches.default.put(key, response);
}
