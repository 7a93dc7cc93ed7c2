// Cross-origin access from ALLOWED_ORIGINS (a comma-separated list; empty means none;
// `*` only when set explicitly). Only allowed origins ever get CORS headers.

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'POST, OPTIONS',
  // Both are CORS-safelisted for a form POST; listed for clients that send other values.
  'access-control-allow-headers': 'content-type, accept',
  'access-control-max-age': '86400',
};

/**
 * What CORS allows for one request.
 * @typedef {object} CorsDecision
 * @property {boolean} allowed False only for a cross-origin request from an origin not allowed.
 * @property {string|null} allowOrigin The Access-Control-Allow-Origin value, or null for none.
 */

/** The configured origins as a set of `scheme://host[:port]`, or '*' for any. */
function parseAllowedOrigins(text) {
  const entries = String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.includes('*')) return '*';
  const origins = new Set();
  for (const entry of entries) {
    try {
      const { origin } = new URL(entry);
      if (origin !== 'null') origins.add(origin);
    } catch {
      // Not a URL: it can never equal a browser's Origin header, so it allows nothing.
    }
  }
  return origins;
}

/**
 * Decides CORS for a request. No Origin header (curl, servers, the Node client) and
 * same-origin requests are allowed without CORS headers.
 * @param {Request} request
 * @param {string|undefined} allowedOrigins The ALLOWED_ORIGINS var.
 * @returns {CorsDecision}
 */
export function decideCors(request, allowedOrigins) {
  const origin = request.headers.get('origin');
  if (origin === null || origin === new URL(request.url).origin) return { allowed: true, allowOrigin: null };
  const allowed = parseAllowedOrigins(allowedOrigins);
  if (allowed === '*') return { allowed: true, allowOrigin: '*' };
  return allowed.has(origin) ? { allowed: true, allowOrigin: origin } : { allowed: false, allowOrigin: null };
}

/**
 * Adds the CORS headers `decision` grants (none for a refused or same-origin request).
 * @param {Response} response A response with mutable headers.
 * @param {CorsDecision} decision
 * @param {{ preflight?: boolean }} [options] Also the preflight headers.
 * @returns {Response} The same response.
 */
export function applyCors(response, decision, { preflight = false } = {}) {
  const headers = response.headers;
  headers.append('vary', 'Origin');
  if (!decision.allowOrigin) return response;
  headers.set('access-control-allow-origin', decision.allowOrigin);
  headers.set('access-control-expose-headers', 'retry-after, x-cache');
  if (preflight) for (const [name, value] of Object.entries(PREFLIGHT_HEADERS)) headers.set(name, value);
  return response;
}
