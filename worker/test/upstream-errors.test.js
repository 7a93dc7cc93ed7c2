import { KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { describe, expect, inject, it } from 'vitest';
import { fromPackageError } from '../src/upstream.js';
import { KEYS, PAGE_ROUTE, UNIQUE_ROUTE, call, uniquePage, upstreamRequests } from './helpers.js';

/** One lookup with the Worker's key (and other bindings) replaced. */
function lookUpWith(bindings, { route = PAGE_ROUTE, page = uniquePage(), num = 5 } = {}) {
  return call(route, { form: { page, num }, env: bindings });
}

describe('upstream errors pass through with their codes', () => {
  it('401 unauthorized for a key the API refuses', async () => {
    const res = await lookUpWith({ KE_API_KEY: 'ke_not_a_real_key_7f3a' });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('unauthorized');
    expect(res.json.message).toContain('401 Missing Or Invalid API Key');
    expect(Object.keys(res.json).sort()).toEqual(['code', 'message']);
  });

  it.each([
    ['noSubscription', 'subscription_required', 5, 'A valid subscription is required to access this resource.'],
    ['bronze', 'plan_required', 5, 'A Gold or Platinum Plan subscription is required to access this resource.'],
    ['lowCredits', 'insufficient_credits', 101, 'You do not have sufficient credits to complete this request.'],
    ['other402', 'payment_required', 5, 'Your last payment failed.'],
  ])('402 for the %s account as %s', async (account, code, num, description) => {
    const res = await lookUpWith({ KE_API_KEY: KEYS[account] }, { num });
    expect(res.status).toBe(402);
    expect(res.json).toEqual({ code, message: expect.any(String), description });
    expect(res.headers.get('x-cache')).toBeNull();
  });

  it('insufficient credits counts the unique endpoint at 5 credits a backlink', async () => {
    const fits = await lookUpWith({ KE_API_KEY: KEYS.lowCredits }, { route: UNIQUE_ROUTE, num: 20 });
    expect(fits.status).toBe(200);
    const over = await lookUpWith({ KE_API_KEY: KEYS.lowCredits }, { route: UNIQUE_ROUTE, num: 21 });
    expect(over.json.code).toBe('insufficient_credits');
  });

  it('429 rate_limited with the API\'s Retry-After', async () => {
    const res = await lookUpWith({}, { page: uniquePage('https://scenario.test/?status=429&retryAfter=7') });
    expect(res.status).toBe(429);
    expect(res.json.code).toBe('rate_limited');
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('5xx keeps its status as server_error', async () => {
    const res = await lookUpWith({}, { page: uniquePage('https://scenario.test/?status=500') });
    expect(res.status).toBe(500);
    expect(res.json.code).toBe('server_error');
  });

  it('retries as UPSTREAM_MAX_RETRIES says', async () => {
    const page = uniquePage('https://scenario.test/?status=503');
    const res = await lookUpWith({ UPSTREAM_MAX_RETRIES: '1' }, { page });
    expect(res.status).toBe(503);
    expect(await upstreamRequests(page)).toHaveLength(2);
  });

  it('a body that is not the API\'s JSON is 502 invalid_response', async () => {
    const res = await lookUpWith({}, { page: uniquePage('https://scenario.test/?html=1') });
    expect(res.status).toBe(502);
    expect(res.json.code).toBe('invalid_response');
  });

  it('an API slower than UPSTREAM_TIMEOUT_MS is 504 timeout', async () => {
    const res = await lookUpWith({ UPSTREAM_TIMEOUT_MS: '100' }, { page: uniquePage('https://scenario.test/?delayMs=1500') });
    expect(res.status).toBe(504);
    expect(res.json.code).toBe('timeout');
  });

  it('an unreachable API is 502 network_error', async () => {
    const res = await lookUpWith({ KE_BASE_URL: inject('closedUrl') });
    expect(res.status).toBe(502);
    expect(res.json.code).toBe('network_error');
  });
});

describe('misconfiguration', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('a %s KE_API_KEY is 500 misconfigured, with no upstream call', async (_what, key) => {
    const page = uniquePage();
    const res = await lookUpWith({ KE_API_KEY: key }, { page });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ code: 'misconfigured', message: expect.stringContaining('KE_API_KEY') });
    expect(await upstreamRequests(page)).toHaveLength(0);
  });

  it.each([
    [{ MAX_NUM: '20000' }, 'MAX_NUM'],
    [{ MAX_NUM: 'lots' }, 'MAX_NUM'],
    [{ CACHE_TTL_SECONDS: '-1' }, 'CACHE_TTL_SECONDS'],
    [{ KE_BASE_URL: 'not a url' }, 'KE_BASE_URL'],
    [{ KE_API_KEY: 'has a space' }, 'KE_API_KEY'],
    [{ RATE_LIMITER: undefined }, 'RATE_LIMITER'],
  ])('%o is 500 misconfigured naming %s', async (bindings, name) => {
    const res = await lookUpWith(bindings);
    expect(res.status).toBe(500);
    expect(res.json.code).toBe('misconfigured');
    expect(res.json.message).toContain(name);
    if (bindings.KE_API_KEY) expect(res.text).not.toContain(bindings.KE_API_KEY);
  });

  it('GET /health does not need the secret', async () => {
    const res = await call('/health', { method: 'GET', env: { KE_API_KEY: undefined } });
    expect(res.status).toBe(200);
  });
});

describe('fromPackageError', () => {
  it('redacts the key should an upstream answer ever echo it', () => {
    const echoed = new KeywordsEverywhereError(`The request was refused: "bad key ${KEYS.valid}"`, {
      code: 'bad_request',
      status: 400,
      description: `key ${KEYS.valid} is malformed`,
    });
    const error = fromPackageError(echoed, KEYS.valid);
    expect([error.status, error.code]).toEqual([400, 'bad_request']);
    expect(error.message).toBe('The request was refused: "bad key [redacted]"');
    expect(error.description).toBe('key [redacted] is malformed');
  });

  it('maps statuses: network_error 502, timeout 504, no error status 502', () => {
    const status = (code, httpStatus) => fromPackageError(new KeywordsEverywhereError('x', { code, status: httpStatus }), 'k').status;
    expect(status('network_error')).toBe(502);
    expect(status('timeout')).toBe(504);
    expect(status('invalid_response', 200)).toBe(502);
    expect(status('aborted')).toBe(502);
    expect(status('http_error', 404)).toBe(404);
  });
});
