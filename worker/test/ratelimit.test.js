import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PAGE_ROUTE, call, uniqueIp, uniquePage, upstreamRequests } from './helpers.js';

describe('rate limit per caller (the RATE_LIMITER binding, as Miniflare enforces it)', () => {
  it('answers 429 JSON with Retry-After once a page user\'s IP is over the limit; cache hits do not count', async () => {
    const limit = Number(env.TEST_RATE_LIMIT);
    const ip = uniqueIp();
    const page = uniquePage();
    // The limiter counts in fixed 60 s windows: within 2 * limit + 1 requests one must be refused,
    // even if a window boundary falls in between.
    const statuses = [];
    let refused;
    while (!refused && statuses.length < 2 * limit + 1) {
      const res = await call(PAGE_ROUTE, { form: { page: statuses.length === 0 ? page : uniquePage(), num: 3 }, ip });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(refused, `statuses: ${statuses}`).toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(limit);
    expect(refused.json).toEqual({ code: 'rate_limited', message: expect.stringContaining('60 s') });
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(refused.headers.get('x-cache')).toBeNull();
    expect(await upstreamRequests(page)).toHaveLength(1);
    // A cache hit is answered before the rate limit: the same IP still gets it.
    const hit = await call(PAGE_ROUTE, { form: { page, num: 3 }, ip });
    expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);

    const otherIp = await call(PAGE_ROUTE, { form: { page, num: 3 }, ip: uniqueIp() });
    expect(otherIp.status).toBe(200);
    const health = await call('/health', { method: 'GET', ip });
    expect(health.status).toBe(200);
  });
});
