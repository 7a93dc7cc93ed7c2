import { describe, expect, it } from 'vitest';
import { markAsHit } from '../src/cache.js';
import { PAGE_ROUTE, UNIQUE_ROUTE, call, uniquePage, upstreamRequests } from './helpers.js';

describe('edge cache', () => {
  it('answers MISS then HIT with exactly one upstream request; the hit says worker_cache: "HIT"', async () => {
    const page = uniquePage();
    const first = await call(PAGE_ROUTE, { form: { page, num: 7 } });
    const second = await call(PAGE_ROUTE, { form: { page, num: 7 } });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(first.json.worker_cache).toBeUndefined();
    expect(second.json).toEqual({ worker_cache: 'HIT', ...first.json });
    expect(await upstreamRequests(page)).toHaveLength(1);
  });

  it('keys by kind, page and num', async () => {
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

describe('markAsHit', () => {
  it('puts worker_cache first by splicing the text, keeping the rest byte for byte', () => {
    expect(markAsHit('{"data":[],"x":"{"}')).toBe('{"worker_cache":"HIT","data":[],"x":"{"}');
    expect(markAsHit(' \n{ "a" : 1 }')).toBe('{"worker_cache":"HIT", "a" : 1 }');
    expect(markAsHit('{ }')).toBe('{"worker_cache":"HIT" }');
    expect(JSON.parse(markAsHit('{}'))).toEqual({ worker_cache: 'HIT' });
    expect(markAsHit('[1]')).toBeNull();
    expect(markAsHit('')).toBeNull();
  });
});
