// Successful answers kept in the Workers Cache API (caches.default), keyed by kind + the
// normalised target + num as a synthetic GET URL on the Worker's own host (Cloudflare advises
// against other host names in cache keys). On *.workers.dev the Cache API does nothing:
// every lookup is a MISS (see README).

/**
 * The cache key of a lookup.
 * @param {string} origin The Worker's own origin, e.g. `https://backlinks.example.com`.
 * @param {string} kind One of the four lookup kinds.
 * @param {string} target The normalised page or domain.
 * @param {number} num
 * @returns {string} The key's URL (a GET request for it).
 */
export function cacheKey(origin, kind, target, num) {
  return `${origin}/__cache/${kind}?target=${encodeURIComponent(target)}&num=${num}`;
}

/**
 * The cached body of a lookup (already marked `"worker_cache":"HIT"`) as the cache's own
 * stream, or null. An HTTP hit passes the stream on untouched, as the plain Worker does:
 * reading it as text and encoding it again cost about 0.1 ms a hit under `wrangler dev`.
 * @param {string} key From {@link cacheKey}.
 * @returns {Promise<ReadableStream<Uint8Array>|null>}
 */
export async function cachedBody(key) {
  const hit = await caches.default.match(key);
  return hit?.body ?? null;
}

/**
 * The upstream body with `"worker_cache": "HIT"` as its first field, by splicing the text
 * (no parse, no re-serialisation). The package has checked that the body is a JSON object.
 * @param {string} body
 * @returns {string|null} Null when the body does not start with `{` (then it is not cached).
 */
export function markAsHit(body) {
  const open = body.search(/\S/);
  if (open === -1 || body[open] !== '{') return null;
  const rest = body.slice(open + 1);
  return /^\s*\}/.test(rest) ? `{"worker_cache":"HIT"${rest}` : `{"worker_cache":"HIT",${rest}`;
}

/**
 * Keeps a successful answer's body, marked as a hit, for `ttlSeconds` (nothing when 0).
 * @param {string} key From {@link cacheKey}.
 * @param {string} body The upstream JSON body as received.
 * @param {number} ttlSeconds
 * @returns {Promise<void>}
 */
export async function storeBody(key, body, ttlSeconds) {
  if (ttlSeconds <= 0) return;
  const marked = markAsHit(body);
  if (marked === null) return;
  const response = new Response(marked, {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${ttlSeconds}` },
  });
  await caches.default.put(key, response);
}
