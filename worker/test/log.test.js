import { afterEach, describe, expect, it, vi } from 'vitest';
import { logRequest, newRecord } from '../src/log.js';
import { KEYS, PAGE_ROUTE, TOKENS, WORKER, call, uniquePage } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

/** The Worker's request log lines written while `run` runs. */
async function logLines(run) {
  const spy = vi.spyOn(console, 'log');
  await run();
  const lines = spy.mock.calls.map((args) => args.join(' ')).filter((line) => line.startsWith('{"event":"request"'));
  spy.mockRestore();
  return lines;
}

describe('request log', () => {
  it('writes one JSON line per request: route, status, how the caller got in, cache, credits, times', async () => {
    const page = uniquePage();
    const lines = await logLines(async () => {
      await call(PAGE_ROUTE, { form: { page, num: 2 } });
      await call(PAGE_ROUTE, { form: { page, num: 2 } });
      await call(PAGE_ROUTE, { form: { page, num: 9999 } });
      await call('/nowhere', { method: 'GET' });
    });
    expect(lines).toHaveLength(4);
    const [miss, hit, refused, missing] = lines.map((line) => JSON.parse(line));
    expect(miss).toMatchObject({ method: 'POST', route: PAGE_ROUTE, status: 200, via: 'origin', kind: 'page', cache: 'MISS', merged: false, credits: 2, num: 2, code: null });
    for (const field of ['upstream_ms', 'budget_ms', 'merge_ms', 'duration_ms']) expect(miss[field]).toEqual(expect.any(Number));
    expect(hit).toMatchObject({ status: 200, cache: 'HIT', upstream_ms: null, budget_ms: null, credits: null });
    expect(refused).toMatchObject({ status: 400, code: 'invalid_argument', upstream_ms: null });
    expect(missing).toMatchObject({ route: '/nowhere', status: 404, code: 'not_found' });
  });

  it('never logs the key, a token, the page, the address nor the Authorization header', async () => {
    const page = uniquePage();
    const lines = await logLines(async () => {
      await call(PAGE_ROUTE, {
        form: { page, num: 2 },
        headers: { authorization: `Bearer ${TOKENS[0]}`, origin: undefined },
        ip: '203.0.113.77',
        env: { KE_API_KEY: KEYS.other402 },
      });
      await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 2 }, env: { KE_API_KEY: 'ke bad key' } });
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      for (const secret of [...Object.values(KEYS), ...TOKENS, 'ke bad key', 'Bearer', page, '203.0.113.77']) expect(line).not.toContain(secret);
      expect(line.toLowerCase()).not.toContain('authorization');
    }
  });

  it('redacts the key and the tokens before serialising, so JSON escaping cannot hide them', () => {
    const key = 'ke"quote\\key\n';
    const token = 'tok"with\\escapes';
    const record = newRecord(new Request(WORKER));
    record.cause = `unauthorized 401: the API said ${key} and ${token}`;
    const spy = vi.spyOn(console, 'log');
    logRequest(record, 1, { KE_API_KEY: key, ACCESS_TOKENS: `other,${token}` });
    const line = spy.mock.calls[0][0];
    expect(JSON.parse(line).cause).toBe('unauthorized 401: the API said [redacted] and [redacted]');
    expect(line).not.toContain(JSON.stringify(key).slice(1, -1));
    expect(line).not.toContain(JSON.stringify(token).slice(1, -1));
  });

  it('answers an unexpected failure with a bare 500, logging only its message', async () => {
    const broken = { limit: () => Promise.reject(new TypeError('limiter exploded')) };
    const lines = await logLines(async () => {
      const res = await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 2 }, env: { RATE_LIMITER: broken } });
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ code: 'internal_error', message: 'The Worker failed unexpectedly; try again later.' });
      expect(res.headers.get('x-should-retry')).toBe('false');
      expect(res.text).not.toContain('limiter exploded');
      expect(res.text).not.toMatch(/\bat\s.+:\d+/);
    });
    expect(JSON.parse(lines[0])).toMatchObject({ status: 500, code: 'internal_error', error: 'TypeError: limiter exploded' });
  });
});
