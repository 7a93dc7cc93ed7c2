import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEYS, PAGE_ROUTE, call, uniquePage } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

/** The Worker's request log lines written while `run` runs, parsed. */
async function logLines(run) {
  const spy = vi.spyOn(console, 'log');
  await run();
  const lines = spy.mock.calls.map((args) => args.join(' ')).filter((line) => line.startsWith('{"event":"request"'));
  spy.mockRestore();
  return lines;
}

describe('request log', () => {
  it('writes one JSON line per request: route, status, cache, upstream ms', async () => {
    const page = uniquePage();
    const lines = await logLines(async () => {
      await call(PAGE_ROUTE, { form: { page, num: 2 } });
      await call(PAGE_ROUTE, { form: { page, num: 2 } });
      await call(PAGE_ROUTE, { form: { page, num: 9999 } });
      await call('/nowhere', { method: 'GET' });
    });
    expect(lines).toHaveLength(4);
    const [miss, hit, refused, missing] = lines.map((line) => JSON.parse(line));
    expect(miss).toMatchObject({ method: 'POST', route: PAGE_ROUTE, status: 200, cache: 'MISS', num: 2, code: null });
    expect(miss.upstream_ms).toEqual(expect.any(Number));
    expect(miss.duration_ms).toEqual(expect.any(Number));
    expect(hit).toMatchObject({ status: 200, cache: 'HIT', upstream_ms: null });
    expect(refused).toMatchObject({ status: 400, code: 'invalid_argument', upstream_ms: null });
    expect(missing).toMatchObject({ route: '/nowhere', status: 404, code: 'not_found' });
  });

  it('never logs the key nor the Authorization header', async () => {
    const lines = await logLines(async () => {
      await call(PAGE_ROUTE, {
        form: { page: uniquePage(), num: 2 },
        headers: { authorization: `Bearer ${KEYS.bronze}` },
        env: { KE_API_KEY: KEYS.other402 },
      });
      await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 2 }, env: { KE_API_KEY: 'ke bad key' } });
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      for (const secret of [...Object.values(KEYS), 'ke bad key', 'Bearer']) expect(line).not.toContain(secret);
      expect(line.toLowerCase()).not.toContain('authorization');
    }
  });

  it('answers an unexpected failure with a bare 500, logging only its message', async () => {
    const broken = { limit: () => Promise.reject(new TypeError('limiter exploded')) };
    const lines = await logLines(async () => {
      const res = await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 2 }, env: { RATE_LIMITER: broken } });
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ code: 'internal_error', message: 'The Worker failed unexpectedly; try again later.' });
      expect(res.text).not.toContain('limiter exploded');
      expect(res.text).not.toMatch(/\bat\s.+:\d+/);
    });
    expect(JSON.parse(lines[0])).toMatchObject({ status: 500, code: 'internal_error', error: 'TypeError: limiter exploded' });
  });
});
