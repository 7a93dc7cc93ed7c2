import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, PAGE_ROUTE, UNIQUE_ROUTE, call, uniquePage } from './helpers.js';

const OTHER = 'https://other.example';
const LIST = { ALLOWED_ORIGINS: ` ${APP_ORIGIN} , ${OTHER}/ ` };

function lookUp(origin, env, page = uniquePage()) {
  return call(PAGE_ROUTE, { form: { page, num: 2 }, headers: { origin }, env });
}

function preflight(origin, env, route = PAGE_ROUTE) {
  return call(route, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    env,
  });
}

const corsHeaderNames = (headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS', () => {
  it('gives each allowed origin its CORS headers', async () => {
    const res = await lookUp(APP_ORIGIN, LIST);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toBe('retry-after, x-cache, x-should-retry, www-authenticate, mcp-session-id, mcp-protocol-version');
    expect(res.headers.get('vary')).toContain('Origin');
    const other = await lookUp(OTHER, LIST);
    expect(other.headers.get('access-control-allow-origin')).toBe(OTHER);
  });

  it('answers an allowed preflight with 204 and the preflight headers, on lookups, GET routes and /mcp', async () => {
    for (const route of [PAGE_ROUTE, UNIQUE_ROUTE, '/config', '/budget', '/mcp']) {
      const res = await preflight(APP_ORIGIN, LIST, route);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
      expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id');
      expect(res.headers.get('access-control-max-age')).toBe('86400');
    }
  });

  it('refuses a preflight from another origin, or with no Origin, without CORS headers', async () => {
    for (const route of [PAGE_ROUTE, '/mcp']) {
      for (const origin of ['https://evil.example', undefined]) {
        const res = await preflight(origin, LIST, route);
        expect(res.status).toBe(403);
        expect(res.json.code).toBe('origin_not_allowed');
        expect(corsHeaderNames(res.headers)).toEqual([]);
      }
    }
  });

  it('gives an allowed origin CORS headers on errors too, so the page can read them', async () => {
    const res = await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 5000 }, env: LIST });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(res.headers.get('x-should-retry')).toBe('false');
  });

  it('gives GET /config and GET /budget to the page with CORS headers', async () => {
    for (const route of ['/config', '/budget']) {
      const res = await call(route, { method: 'GET', env: LIST });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    }
  });
});
