import { describe, expect, it } from 'vitest';
import { PAGE_ROUTE, UNIQUE_ROUTE, call, uniquePage, upstreamRequests } from './helpers.js';

describe('edge cache', () => {
  it('answers MISS then HIT with exactly one upstream request', async () => {
    const page = uniquePage();
    const first = await call(PAGE_ROUTE, { form: { page, num: 7 } });
    const second = await call(PAGE_ROUTE, { form: { page, num: 7 } });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.json).toEqual(first.json);
    expect(await upstreamRequests(page)).toHaveLength(1);
  });

  it('keys by endpoint, page and num', async () => {
    const page = uniquePage();
    const answers = [];
    for (const [route, num] of [[PAGE_ROUTE, 3], [PAGE_ROUTE, 4], [UNIQUE_ROUTE, 3], [PAGE_ROUTE, 3], [UNIQUE_ROUTE, 3]]) {
      answers.push((await call(route, { form: { page, num } })).headers.get('x-cache'));
    }
    expect(answers).toEqual(['MISS', 'MISS', 'MISS', 'HIT', 'HIT']);
    expect(await upstreamRequests(page)).toHaveLength(3);
  });

  it('never caches errors', async () => {
    const page = uniquePage('https://scenario.test/?status=503');
    for (let i = 0; i < 2; i++) {
      const res = await call(PAGE_ROUTE, { form: { page, num: 2 } });
      expect(res.status).toBe(503);
      expect(res.json.code).toBe('server_error');
      expect(res.headers.get('x-cache')).toBeNull();
    }
    expect(await upstreamRequests(page)).toHaveLength(2);
  });

  it('does not cache when CACHE_TTL_SECONDS is 0', async () => {
    const page = uniquePage();
    for (let i = 0; i < 2; i++) {
      const res = await call(PAGE_ROUTE, { form: { page, num: 2 }, env: { CACHE_TTL_SECONDS: '0' } });
      expect(res.headers.get('x-cache')).toBe('MISS');
    }
    expect(await upstreamRequests(page)).toHaveLength(2);
  });
});
