// Cross-origin access for the browser origins listed in ALLOWED_ORIGINS (comma-separated
// `scheme://host[:port]`). Only those origins ever get CORS headers; the same list is one of
// the two ways in for a lookup (auth.js).

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  // content-type and accept are CORS-safelisted for a form POST; authorization for a page
  // that sends an access token; the MCP transport's own headers for a browser MCP client.
  'access-control-allow-headers': 'authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id',
  'access-control-max-age': '86400',
};

/** Headers a page may read from an answer (the last three for a browser MCP client). */
const EXPOSED_HEADERS = 'retry-after, x-cache, x-should-retry, www-authenticate, mcp-session-id, mcp-protocol-version';

/**
 * ALLOWED_ORIGINS read: the origins, and whether an entry was unusable (not an http(s)
 * origin; `*` is not accepted, since it would let every site in).
 * @typedef {{ origins: Set<string>, unusable: boolean }} AllowedOrigins
 */

let lastText;
/** @type {AllowedOrigins} */
let lastParsed = { origins: new Set(), unusable: false };

/**
 * Parses ALLOWED_ORIGINS (remembering the last text, which is the same on every request).
 * @param {unknown} text
 * @returns {AllowedOrigins}
 */
export function parseAllowedOrigins(text) {
  if (text === lastText) return lastParsed;
  const origins = new Set();
  let unusable = false;
  for (const entry of String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let url = null;
    try {
      url = new URL(entry);
    } catch {
      // reported below
    }
    const bare = url && (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if (bare) origins.add(url.origin);
    else unusable = true;
  }
  lastText = text;
  lastParsed = { origins, unusable };
  return lastParsed;
}

/**
 * The request's Origin when it is listed in ALLOWED_ORIGINS, else null.
 * @param {Request} request
 * @param {Record<string, unknown>} env
 * @returns {string|null}
 */
export function allowedOrigin(request, env) {
  const origin = request.headers.get('origin');
  if (origin === null) return null;
  return parseAllowedOrigins(env.ALLOWED_ORIGINS).origins.has(origin) ? origin : null;
}

/**
 * Adds the CORS headers an allowed origin gets (none for any other request).
 * @param {Response} response A response with mutable headers.
 * @param {string|null} origin From {@link allowedOrigin}.
 * @param {{ preflight?: boolean }} [options] Also the preflight headers.
 * @returns {Response} The same response.
 */
export function applyCors(response, origin, { preflight = false } = {}) {
  const headers = response.headers;
  headers.append('vary', 'Origin');
  if (!origin) return response;
  headers.set('access-control-allow-origin', origin);
  headers.set('access-control-expose-headers', EXPOSED_HEADERS);
  if (preflight) for (const [name, value] of Object.entries(PREFLIGHT_HEADERS)) headers.set(name, value);
  return response;
}
