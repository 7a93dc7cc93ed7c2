import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PAGE_ROUTE, call, uniqueIp, uniquePage, upstreamRequests } from './helpers.js';

describe('rate limit per client IP (the RATE_LIMITER binding, as Miniflare enforces it)', () => {
  it('answers 429 JSON with Retry-After once an IP is over the limit', async () => {
    const limit = Number(env.TEST_RATE_LIMIT);
    const ip = uniqueIp();
    const page = uniquePage();
    // The limiter counts in fixed 60 s windows: within 2 * limit + 1 requests one must be refused,
    // even if a window boundary falls in between.
    const statuses = [];
    let refused;
    while (!refused && statuses.length < 2 * limit + 1) {
      const res = await call(PAGE_ROUTE, { form: { page, num: 3 }, ip });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(refused, `statuses: ${statuses}`).toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(limit);
    expect(refused.json).toEqual({ code: 'rate_limited', message: expect.stringContaining('60 s') });
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-cache')).toBeNull();
    expect(await upstreamRequests(page)).toHaveLength(1);

    const otherIp = await call(PAGE_ROUTE, { form: { page, num: 3 }, ip: uniqueIp() });
    expect(otherIp.status).toBe(200);
    const health = await call('/health', { method: 'GET', ip });
    expect(health.status).toBe(200);
  });
});
