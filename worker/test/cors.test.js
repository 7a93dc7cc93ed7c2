import { describe, expect, it } from 'vitest';
import { PAGE_ROUTE, UNIQUE_ROUTE, WORKER, call, uniquePage, upstreamRequests } from './helpers.js';

const APP = 'https://app.example';
const LIST = { ALLOWED_ORIGINS: ` ${APP} , https://other.example/ ` };

function lookUp(origin, env, page = uniquePage()) {
  return call(PAGE_ROUTE, { form: { page, num: 2 }, headers: origin ? { origin } : {}, env });
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
  it('gives an allowed origin its CORS headers', async () => {
    const res = await lookUp(APP, LIST);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toBe('retry-after, x-cache');
    expect(res.headers.get('vary')).toContain('Origin');
    const other = await lookUp('https://other.example', LIST);
    expect(other.headers.get('access-control-allow-origin')).toBe('https://other.example');
  });

  it('refuses another origin with 403, no CORS headers and no upstream call', async () => {
    const page = uniquePage();
    const res = await lookUp('https://evil.example', LIST, page);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('origin_not_allowed');
    expect(corsHeaderNames(res.headers)).toEqual([]);
    expect(await upstreamRequests(page)).toHaveLength(0);
  });

  it('allows no cross-origin access when ALLOWED_ORIGINS is empty', async () => {
    const res = await lookUp(APP, { ALLOWED_ORIGINS: '' });
    expect(res.status).toBe(403);
    expect(corsHeaderNames(res.headers)).toEqual([]);
  });

  it('allows requests without an Origin, and same-origin ones, without CORS headers', async () => {
    for (const origin of [undefined, WORKER]) {
      const res = await lookUp(origin, { ALLOWED_ORIGINS: '' });
      expect(res.status).toBe(200);
      expect(corsHeaderNames(res.headers)).toEqual([]);
    }
  });

  it('allows any origin only with an explicit *', async () => {
    const res = await lookUp('https://anyone.example', { ALLOWED_ORIGINS: '*' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers an allowed preflight with 204 and the preflight headers, on both routes', async () => {
    for (const route of [PAGE_ROUTE, UNIQUE_ROUTE]) {
      const res = await preflight(APP, LIST, route);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type, accept');
      expect(res.headers.get('access-control-max-age')).toBe('86400');
    }
  });

  it('refuses a preflight from another origin without CORS headers', async () => {
    const res = await preflight('https://evil.example', LIST);
    expect(res.status).toBe(403);
    expect(corsHeaderNames(res.headers)).toEqual([]);
  });

  it('gives an allowed origin CORS headers on errors too, so the page can read them', async () => {
    const res = await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 5000 }, headers: { origin: APP }, env: LIST });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });
});
