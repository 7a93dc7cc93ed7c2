import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_HIT_LOG_SAMPLE_RATE } from '../src/config.js';
import { logRequest, newRecord } from '../src/log.js';
import { KEYS, PAGE_ROUTE, TOKENS, WORKER, budgetScope, call, expectWorkerError, uniquePage, upstreamRequests } from './helpers.js';

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
  it('writes one JSON line per request: route, status, how the caller got in, cache, credits, times, sample rate', async () => {
    const page = uniquePage();
    const everyHit = { HIT_LOG_SAMPLE_RATE: '1' };
    const lines = await logLines(async () => {
      await call(PAGE_ROUTE, { form: { page, num: 2 }, env: everyHit });
      await call(PAGE_ROUTE, { form: { page, num: 2 }, env: everyHit });
      await call(PAGE_ROUTE, { form: { page, num: 9999 }, env: everyHit });
      await call('/nowhere', { method: 'GET', env: everyHit });
    });
    expect(lines).toHaveLength(4);
    const [miss, hit, refused, missing] = lines.map((line) => JSON.parse(line));
    expect(miss).toMatchObject({ method: 'POST', route: PAGE_ROUTE, status: 200, via: 'origin', kind: 'page', cache: 'MISS', merged: false, credits: 2, num: 2, code: null, sample_rate: 1 });
    for (const field of ['upstream_ms', 'budget_ms', 'merge_ms', 'duration_ms']) expect(miss[field]).toEqual(expect.any(Number));
    expect(hit).toMatchObject({ status: 200, cache: 'HIT', upstream_ms: null, budget_ms: null, credits: null, sample_rate: 1 });
    expect(refused).toMatchObject({ status: 400, code: 'invalid_argument', upstream_ms: null, sample_rate: 1 });
    expect(missing).toMatchObject({ route: '/nowhere', status: 404, code: 'not_found', sample_rate: 1 });
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

describe('sampled cache hits (HIT_LOG_SAMPLE_RATE)', () => {
  /** A record as the Worker leaves it once it has answered. */
  function answered({ route = PAGE_ROUTE, status = 200, cache = 'HIT', code = null } = {}) {
    const record = newRecord(new Request(WORKER + route, { method: 'POST' }));
    Object.assign(record, { status, cache, code, kind: 'page', num: 2 });
    return record;
  }

  /** logRequest's lines for `record` with the rate `rate` and the random number `random`. */
  function decide(record, rate, random) {
    const spy = vi.spyOn(console, 'log');
    const written = logRequest(record, 1, rate === undefined ? {} : { HIT_LOG_SAMPLE_RATE: rate }, () => random);
    const lines = spy.mock.calls.map((args) => JSON.parse(args[0]));
    spy.mockRestore();
    expect(written).toBe(lines.length === 1);
    return lines;
  }

  it('logs a hit when the random number falls under the rate, with that rate in the line', () => {
    expect(decide(answered(), '0.25', 0.2499)).toMatchObject([{ cache: 'HIT', status: 200, sample_rate: 0.25 }]);
    expect(decide(answered(), '0.25', 0.25)).toEqual([]);
    expect(decide(answered(), '0.25', 0.9)).toEqual([]);
    expect(decide(answered(), '1', 0.999999)).toMatchObject([{ sample_rate: 1 }]);
    expect(decide(answered(), '0', 0)).toEqual([]);
  });

  it('samples hits at 0.01 when the var is unset, and wrangler.toml sets 0.01 explicitly', () => {
    expect(DEFAULT_HIT_LOG_SAMPLE_RATE).toBe(0.01);
    expect(env.HIT_LOG_SAMPLE_RATE).toBe('0.01');
    expect(decide(answered(), undefined, 0.00999)).toMatchObject([{ sample_rate: 0.01 }]);
    expect(decide(answered(), undefined, 0.01)).toEqual([]);
  });

  it('never samples a miss, an error, a refusal nor an MCP call: each is logged with sample_rate 1', () => {
    const always = [
      answered({ cache: 'MISS' }),
      answered({ status: 400, cache: null, code: 'invalid_argument' }),
      answered({ status: 429, cache: 'MISS', code: 'budget_exhausted' }),
      answered({ status: 429, cache: 'MISS', code: 'rate_limited' }),
      answered({ status: 502, cache: 'MISS', code: 'network_error' }),
      answered({ route: '/mcp', cache: 'HIT' }),
    ];
    for (const record of always) expect(decide(record, '0', 0.5)).toMatchObject([{ status: record.status, cache: record.cache, sample_rate: 1 }]);
  });

  it('with rate 1 every hit is logged; with rate 0 no hit is, and misses and refusals still are', async () => {
    const page = uniquePage();
    const every = await logLines(async () => {
      await call(PAGE_ROUTE, { form: { page, num: 2 }, env: { HIT_LOG_SAMPLE_RATE: '1' } });
      for (let i = 0; i < 3; i++) await call(PAGE_ROUTE, { form: { page, num: 2 }, env: { HIT_LOG_SAMPLE_RATE: '1' } });
    });
    expect(every.map((line) => JSON.parse(line))).toMatchObject([
      { cache: 'MISS', sample_rate: 1 },
      { cache: 'HIT', sample_rate: 1 },
      { cache: 'HIT', sample_rate: 1 },
      { cache: 'HIT', sample_rate: 1 },
    ]);

    const none = { HIT_LOG_SAMPLE_RATE: '0' };
    const other = uniquePage();
    const answers = [];
    const lines = await logLines(async () => {
      answers.push(await call(PAGE_ROUTE, { form: { page, num: 2 }, env: none }));
      answers.push(await call(PAGE_ROUTE, { form: { page: other, num: 2 }, env: none }));
      answers.push(await call(PAGE_ROUTE, { form: { page: other, num: 2 }, env: none }));
      answers.push(await call(PAGE_ROUTE, { form: { page, num: 0 }, env: none }));
      answers.push(await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 2 }, env: { ...none, DAILY_CREDIT_BUDGET: '0', BUDGET: budgetScope() } }));
    });
    expect(answers.map((res) => `${res.status} ${res.headers.get('x-cache') ?? res.json.code}`)).toEqual([
      '200 HIT', '200 MISS', '200 HIT', '400 invalid_argument', '429 budget_exhausted',
    ]);
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { status: 200, cache: 'MISS', credits: 2, sample_rate: 1 },
      { status: 400, code: 'invalid_argument', sample_rate: 1 },
      { status: 429, code: 'budget_exhausted', sample_rate: 1 },
    ]);
  });

  it('refuses every lookup, hits too, with 500 misconfigured naming HIT_LOG_SAMPLE_RATE when it is not a number from 0 to 1', async () => {
    const page = uniquePage();
    expect((await call(PAGE_ROUTE, { form: { page, num: 2 } })).status).toBe(200);
    for (const bad of ['', '   ', 'abc', '-0.25', '1.5', '2', 'NaN', 'Infinity', '0x1', '1/2', '10%', '0.5.1']) {
      const fresh = uniquePage();
      for (const target of [page, fresh]) {
        const res = await call(PAGE_ROUTE, { form: { page: target, num: 2 }, env: { HIT_LOG_SAMPLE_RATE: bad } });
        expectWorkerError(res, 500, 'misconfigured');
        expect(res.json.message).toContain('HIT_LOG_SAMPLE_RATE');
        if (bad.trim() !== '') expect(res.json.message).not.toContain(bad);
      }
      expect(await upstreamRequests(fresh)).toHaveLength(0);
    }
  });

  it('accepts any decimal from 0 to 1, spaces around it, and a TOML number', async () => {
    const page = uniquePage();
    for (const good of ['0', '1', '0.1', '.5', '1.0', ' 0.25 ', '1e-3', 0.1, 1]) {
      const res = await call(PAGE_ROUTE, { form: { page, num: 2 }, env: { HIT_LOG_SAMPLE_RATE: good } });
      expect(res.status, `${JSON.stringify(good)}: ${res.text}`).toBe(200);
    }
    expect(decide(answered(), ' 0.25 ', 0.2)).toMatchObject([{ sample_rate: 0.25 }]);
    expect(decide(answered(), '1e-3', 0.0009)).toMatchObject([{ sample_rate: 0.001 }]);
  });
});
