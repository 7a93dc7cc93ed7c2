import { describe, expect, it } from 'vitest';
import { DOMAIN_ROUTE, KEYS, PAGE_ROUTE, STAND_IN, UNIQUE_DOMAIN_ROUTE, budgetScope, call, expectWorkerError } from './helpers.js';

/** A domain no other test asks for, in mixed case. */
const uniqueDomain = () => `T${crypto.randomUUID().slice(0, 8)}.Example.ORG`;

/** The requests the stand-in API received for `domain`. */
async function upstreamFor(domain) {
  const log = await (await fetch(`${STAND_IN}/__control/log`)).json();
  return log.filter((entry) => entry.form?.domain === domain);
}

describe('domain lookups', () => {
  it.each([
    ['domain', DOMAIN_ROUTE, 1],
    ['unique domain', UNIQUE_DOMAIN_ROUTE, 5],
  ])('POST %s backlinks: the domain sent upstream lower-cased, the key with it, the cache keyed by it', async (_kind, route, creditsEach) => {
    const domain = uniqueDomain();
    const res = await call(route, { form: { domain, num: 3 } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-cache')).toBe('MISS');
    expect(res.json.data).toHaveLength(3);
    expect(res.json.credits_consumed).toBe(3 * creditsEach);
    const upstream = await upstreamFor(domain.toLowerCase());
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({ method: 'POST', path: route, authorization: `Bearer ${KEYS.valid}`, form: { domain: domain.toLowerCase(), num: '3' } });
    expect(await upstreamFor(domain)).toHaveLength(0);

    const again = await call(route, { form: { domain: domain.toUpperCase(), num: 3 } });
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.json).toEqual({ worker_cache: 'HIT', ...res.json });
    expect(await upstreamFor(domain.toLowerCase())).toHaveLength(1);
  });

  it('keeps the domain kinds apart from each other and from pages in the cache', async () => {
    const domain = uniqueDomain().toLowerCase();
    const answers = [];
    for (const route of [DOMAIN_ROUTE, UNIQUE_DOMAIN_ROUTE, DOMAIN_ROUTE, UNIQUE_DOMAIN_ROUTE]) answers.push((await call(route, { form: { domain, num: 2 } })).headers.get('x-cache'));
    expect(answers).toEqual(['MISS', 'MISS', 'HIT', 'HIT']);
    const page = await call(PAGE_ROUTE, { form: { page: `https://${domain}/`, num: 2 } });
    expect(page.headers.get('x-cache')).toBe('MISS');
  });

  it('refuses what is not a bare host name with 400 field domain, sending nothing', async () => {
    for (const domain of ['https://example.com/', 'example.com/path', 'example.com:8080', 'me@example.com', 'exa mple.com', '']) {
      const res = await call(DOMAIN_ROUTE, { form: { domain, num: 2 } });
      expectWorkerError(res, 400, 'invalid_argument');
      expect(res.json.field).toBe('domain');
    }
    const url = await call(DOMAIN_ROUTE, { form: { domain: 'https://example.com/', num: 2 } });
    expect(url.json.message).toContain('not a URL');
    const pageField = await call(DOMAIN_ROUTE, { form: { page: 'https://example.com/', num: 2 } });
    expect(pageField.json.field).toBe('domain');
  });

  it('reserves the unique domain kind at 5 credits a backlink', async () => {
    const scope = budgetScope();
    const bindings = { BUDGET: scope, DAILY_CREDIT_BUDGET: '12' };
    expectWorkerError(await call(UNIQUE_DOMAIN_ROUTE, { form: { domain: uniqueDomain(), num: 3 }, env: bindings }), 429, 'budget_exhausted');
    expect((await call(UNIQUE_DOMAIN_ROUTE, { form: { domain: uniqueDomain(), num: 2 }, env: bindings })).status).toBe(200);
    expect((await call(DOMAIN_ROUTE, { form: { domain: uniqueDomain(), num: 2 }, env: bindings })).status).toBe(200);
    expect(await scope.stub().read(12)).toMatchObject({ spent: 12, remaining: 0 });
  });
});
