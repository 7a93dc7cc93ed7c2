import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { matchedToken } from '../src/auth.js';
import { APP_ORIGIN, PAGE_ROUTE, TOKENS, WORKER, call, expectWorkerError, uniqueIp, uniquePage, upstreamRequests } from './helpers.js';

const bearer = (token) => ({ authorization: `Bearer ${token}` });

/** A lookup with exactly `headers` (no Origin unless given). */
function lookUp(headers, { page = uniquePage(), env: bindings, body } = {}) {
  return call(PAGE_ROUTE, { form: body ? undefined : { page, num: 2 }, body, headers: { origin: undefined, ...headers }, env: bindings });
}

describe('who may spend', () => {
  it('refuses a lookup with neither token nor Origin (curl) with 401, before any upstream call', async () => {
    const page = uniquePage();
    const res = await lookUp({}, { page });
    expectWorkerError(res, 401, 'unauthorized');
    expect(Object.keys(res.json).sort()).toEqual(['code', 'message']);
    expect(await upstreamRequests(page)).toHaveLength(0);
  });

  it('refuses another site\'s Origin, the Worker\'s own, and a wrong or unlisted token', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: WORKER },
      { origin: 'null' },
      bearer('tok_not_listed'),
      bearer(`${TOKENS[0]}x`),
      bearer(TOKENS[0].slice(0, -1)),
      { authorization: TOKENS[0] },
      { authorization: `Basic ${TOKENS[0]}` },
    ]) {
      const page = uniquePage();
      const res = await lookUp(headers, { page });
      expectWorkerError(res, 401, 'unauthorized');
      expect(await upstreamRequests(page)).toHaveLength(0);
    }
  });

  it('lets in every listed token, whatever the Origin, and never sends it upstream', async () => {
    for (const headers of [bearer(TOKENS[0]), bearer(TOKENS[1]), { ...bearer(TOKENS[1]), origin: 'https://evil.example' }]) {
      const page = uniquePage();
      const res = await lookUp(headers, { page });
      expect(res.status, res.text).toBe(200);
      const [upstream] = await upstreamRequests(page);
      expect(upstream.authorization).not.toContain(TOKENS[0]);
      expect(upstream.authorization).not.toContain(TOKENS[1]);
      // A token lets a server in; it grants a foreign page no CORS headers.
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('lets in the allowed Origin without a token', async () => {
    const res = await lookUp({ origin: APP_ORIGIN });
    expect(res.status).toBe(200);
  });

  it('checks access before reading the body: an oversized body without access is a 401', async () => {
    const res = await lookUp({}, { body: 'page=' + 'a'.repeat(64 * 1024) });
    expectWorkerError(res, 401, 'unauthorized');
  });

  it('takes ACCESS_TOKENS comma-separated with spaces; none listed lets no token in', async () => {
    expect((await lookUp(bearer('tok_b'), { env: { ACCESS_TOKENS: ' tok_a , tok_b ,' } })).status).toBe(200);
    expectWorkerError(await lookUp(bearer('tok_a'), { env: { ACCESS_TOKENS: undefined } }), 401, 'unauthorized');
    expectWorkerError(await lookUp(bearer(''), { env: { ACCESS_TOKENS: '' } }), 401, 'unauthorized');
  });

  it('refuses ALLOWED_ORIGINS "*" (it would let every site in) as misconfigured, naming the var only', async () => {
    const res = await lookUp({ origin: 'https://anyone.example' }, { env: { ALLOWED_ORIGINS: '*' } });
    expectWorkerError(res, 500, 'misconfigured');
    expect(res.json.message).toContain('ALLOWED_ORIGINS');
    // A token still works.
    expect((await lookUp(bearer(TOKENS[0]), { env: { ALLOWED_ORIGINS: '*' } })).status).toBe(200);
  });

  it('GET /health, /config and /budget spend nothing and need no access', async () => {
    for (const route of ['/health', '/config', '/budget']) {
      const res = await call(route, { method: 'GET', headers: { origin: undefined } });
      expect(res.status).toBe(200);
    }
  });
});

describe('matchedToken', () => {
  const request = (authorization) => new Request(WORKER, { headers: authorization ? { authorization } : {} });

  it('answers the listed token of a Bearer header, else null', () => {
    expect(matchedToken(request(`Bearer ${TOKENS[1]}`), env)).toBe(TOKENS[1]);
    expect(matchedToken(request(`bearer ${TOKENS[0]}`), env)).toBe(TOKENS[0]);
    expect(matchedToken(request(`Bearer ${TOKENS[0]}0`), env)).toBeNull();
    expect(matchedToken(request('Bearer '), env)).toBeNull();
    expect(matchedToken(request(undefined), env)).toBeNull();
    expect(matchedToken(request(`Bearer ${TOKENS[0]}`), { ACCESS_TOKENS: undefined })).toBeNull();
  });

  it('keys the rate limit by token, not by address', async () => {
    const token = 'tok_rate_limit_only';
    const bindings = { ACCESS_TOKENS: token };
    const statuses = [];
    for (let i = 0; i < 2 * Number(env.TEST_RATE_LIMIT) + 1 && !statuses.includes(429); i++) {
      const res = await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 1 }, headers: { origin: undefined, ...bearer(token) }, ip: uniqueIp(), env: bindings });
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
  });
});
