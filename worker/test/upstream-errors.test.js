import { KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { fromPackageError } from '../src/upstream.js';
import { KEYS, PAGE_ROUTE, UNIQUE_ROUTE, call, expectWorkerError, uniquePage, upstreamRequests } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

/** One lookup with the Worker's key (and other bindings) replaced. */
function lookUpWith(bindings, { route = PAGE_ROUTE, page = uniquePage(), num = 5 } = {}) {
  return call(route, { form: { page, num }, env: bindings });
}

/** The Worker's log lines written while `run` runs, parsed. */
async function logged(run) {
  const spy = vi.spyOn(console, 'log');
  const result = await run();
  const lines = spy.mock.calls.map((args) => String(args[0])).filter((l) => l.startsWith('{"event":"request"')).map((l) => JSON.parse(l));
  spy.mockRestore();
  return { result, lines };
}

/** The package's words that must never reach a caller inside the Worker's message. */
const PACKAGE_WORDS = /the API answered|retries did not help|Missing Or Invalid|Subscription Required|Insufficient Credits/i;

describe('upstream account problems reach callers as a generic 503', () => {
  it.each([
    ['a key the API refuses (401)', 'ke_not_a_real_key_7f3a', 'unauthorized 401'],
    ['no subscription (402)', KEYS.noSubscription, 'subscription_required 402'],
    ['the wrong plan (402)', KEYS.bronze, 'plan_required 402'],
    ['no credits left (402)', KEYS.lowCredits, 'insufficient_credits 402'],
    ['a failed payment (402)', KEYS.other402, 'payment_required 402'],
  ])('%s: 503 upstream_unavailable, the real cause only in the log', async (_what, key, cause) => {
    const { result: res, lines } = await logged(() => lookUpWith({ KE_API_KEY: key }, { num: 500 }));
    expectWorkerError(res, 503, 'upstream_unavailable');
    expect(Object.keys(res.json).sort()).toEqual(['code', 'message']);
    expect(res.json.message).not.toMatch(PACKAGE_WORDS);
    expect(res.headers.get('x-cache')).toBeNull();
    expect(lines[0]).toMatchObject({ status: 503, code: 'upstream_unavailable', cause: expect.stringContaining(cause) });
    expect(JSON.stringify(lines[0])).not.toContain(key);
  });

  it('an upstream 403 is the same 503', () => {
    const error = fromPackageError(new KeywordsEverywhereError('The API answered 403 "Forbidden"', { code: 'http_error', status: 403 }), 'k');
    expect([error.status, error.code]).toEqual([503, 'upstream_unavailable']);
    expect(error.cause).toContain('http_error 403');
  });
});

describe('other upstream errors, in the Worker\'s own words', () => {
  it('429 rate_limited with the API\'s Retry-After', async () => {
    const res = await lookUpWith({}, { page: uniquePage('https://scenario.test/?status=429&retryAfter=7') });
    expectWorkerError(res, 429, 'rate_limited');
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.json.message).not.toMatch(PACKAGE_WORDS);
  });

  it('5xx keeps its status as server_error, the message said once', async () => {
    const res = await lookUpWith({}, { page: uniquePage('https://scenario.test/?status=500') });
    expectWorkerError(res, 500, 'server_error');
    expect(res.json.message).not.toMatch(PACKAGE_WORDS);
    expect(res.json.message.match(/failed/g)).toHaveLength(1);
  });

  it('retries as UPSTREAM_MAX_RETRIES says', async () => {
    const page = uniquePage('https://scenario.test/?status=503');
    const res = await lookUpWith({ UPSTREAM_MAX_RETRIES: '1' }, { page });
    expect(res.status).toBe(503);
    expect(await upstreamRequests(page)).toHaveLength(2);
  });

  it('a body that is not the API\'s JSON is 502 invalid_response', async () => {
    expectWorkerError(await lookUpWith({}, { page: uniquePage('https://scenario.test/?html=1') }), 502, 'invalid_response');
  });

  it('an API slower than UPSTREAM_TIMEOUT_MS is 504 timeout', async () => {
    expectWorkerError(await lookUpWith({ UPSTREAM_TIMEOUT_MS: '100' }, { page: uniquePage('https://scenario.test/?delayMs=1500') }), 504, 'timeout');
  });

  it('an unreachable API is 502 network_error, never quoting KE_BASE_URL', async () => {
    const closed = inject('closedUrl');
    const res = await lookUpWith({ KE_BASE_URL: closed });
    expectWorkerError(res, 502, 'network_error');
    expect(res.text).not.toContain(closed);
    expect(res.text).not.toContain('127.0.0.1');
  });

  it('insufficient credits counts the unique endpoint at 5 credits a backlink', async () => {
    expect((await lookUpWith({ KE_API_KEY: KEYS.lowCredits }, { route: UNIQUE_ROUTE, num: 20 })).status).toBe(200);
    expect((await lookUpWith({ KE_API_KEY: KEYS.lowCredits }, { route: UNIQUE_ROUTE, num: 21 })).json.code).toBe('upstream_unavailable');
  });
});

describe('misconfiguration', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('a %s KE_API_KEY is 500 misconfigured, with no upstream call', async (_what, key) => {
    const page = uniquePage();
    const res = await lookUpWith({ KE_API_KEY: key }, { page });
    expectWorkerError(res, 500, 'misconfigured');
    expect(res.json.message).toContain('KE_API_KEY');
    expect(await upstreamRequests(page)).toHaveLength(0);
  });

  it.each([
    [{ MAX_NUM: '20000' }, 'MAX_NUM'],
    [{ MAX_NUM: 'lots' }, 'MAX_NUM'],
    [{ CACHE_TTL_SECONDS: '-1' }, 'CACHE_TTL_SECONDS'],
    [{ KE_BASE_URL: 'not a url at secret.internal' }, 'KE_BASE_URL'],
    [{ KE_BASE_URL: 'ftp://files.secret.internal/' }, 'KE_BASE_URL'],
    [{ KE_API_KEY: 'has a space' }, 'KE_API_KEY'],
    [{ RATE_LIMITER: undefined }, 'RATE_LIMITER'],
    [{ BUDGET: undefined }, 'BUDGET'],
    [{ LOOKUPS: undefined }, 'LOOKUPS'],
  ])('%o is 500 misconfigured naming %s, never quoting its value', async (bindings, name) => {
    const res = await lookUpWith(bindings);
    expectWorkerError(res, 500, 'misconfigured');
    expect(res.json.message).toContain(name);
    for (const value of Object.values(bindings)) if (typeof value === 'string') expect(res.text).not.toContain(value);
  });

  it('GET /health does not need the secret', async () => {
    const res = await call('/health', { method: 'GET', env: { KE_API_KEY: undefined } });
    expect(res.status).toBe(200);
  });
});

describe('fromPackageError', () => {
  it('answers the Worker\'s own sentence; the package message, redacted, goes to the log cause only', () => {
    const echoed = new KeywordsEverywhereError(`The request was refused: "bad key ${KEYS.valid}"`, { code: 'bad_request', status: 400 });
    const error = fromPackageError(echoed, KEYS.valid);
    expect([error.status, error.code]).toEqual([400, 'bad_request']);
    expect(error.message).not.toContain('refused: "bad key');
    expect(error.cause).toBe('bad_request 400: The request was refused: "bad key [redacted]"');
  });

  it('maps statuses: network_error 502, timeout 504, invalid_response 502, other http_error 502', () => {
    const status = (code, httpStatus) => fromPackageError(new KeywordsEverywhereError('x', { code, status: httpStatus }), 'k').status;
    expect(status('network_error')).toBe(502);
    expect(status('timeout')).toBe(504);
    expect(status('invalid_response', 200)).toBe(502);
    expect(status('aborted')).toBe(502);
    expect(status('http_error', 404)).toBe(502);
    expect(status('http_error', 302)).toBe(502);
    expect(status('server_error', 503)).toBe(503);
  });
});
