// The Worker under `wrangler dev` (scripts/worker-dev.mjs) in front of the stand-in API:
// access tokens and an allowed Origin, the rate limit, merged misses, and the daily budget,
// which survives a restart (wrangler dev --persist-to).
// Run: node --test tests/js/worker-dev.test.mjs

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { startWorkerDev } from '../../scripts/worker-dev.mjs';
import { TEST_KEYS, startStandIn } from '../../stand-in/server.mjs';

const TOKEN = 'tok_worker_dev_test_5b7e0c1d';
const RATE_TOKEN = 'tok_worker_dev_rate_limit_93aa';
const PAGE_ORIGIN = 'http://127.0.0.1:9';

/** A raw lookup, from client address `ip`, with `headers` (a token or an Origin). */
const post = (worker, page, num, headers = {}, ip = '192.0.2.1') =>
  fetch(`${worker.url}/v1/get_page_backlinks`, {
    method: 'POST',
    headers: { 'cf-connecting-ip': ip, ...headers },
    body: new URLSearchParams({ page, num: String(num) }),
  });

const bearer = { authorization: `Bearer ${TOKEN}` };

describe('Worker under wrangler dev', () => {
  let standIn;
  let worker;

  before(async () => {
    standIn = await startStandIn();
    worker = await startWorkerDev({
      upstreamUrl: standIn.url,
      apiKey: TEST_KEYS.valid,
      accessTokens: [TOKEN, RATE_TOKEN],
      vars: { ALLOWED_ORIGINS: PAGE_ORIGIN, DAILY_CREDIT_BUDGET: '1000000' },
    });
  });

  after(async () => {
    await worker?.close();
    await standIn?.close();
  });

  it('refuses a lookup with neither token nor allowed Origin: 401, nothing upstream', async () => {
    const before = standIn.log.length;
    for (const headers of [{}, { origin: 'https://evil.example' }, { authorization: 'Bearer tok_wrong' }]) {
      const response = await post(worker, 'https://example.com/worker-dev-401', 5, headers);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('x-should-retry'), 'false');
      assert.equal((await response.json()).code, 'unauthorized');
    }
    const keyless = new BacklinksClient({ baseUrl: worker.url });
    const error = await keyless.getPageBacklinks({ page: 'https://example.com/worker-dev-401', num: 5 }).catch((e) => e);
    assert.ok(error instanceof KeywordsEverywhereError);
    assert.equal(error.code, 'unauthorized');
    keyless.free();
    assert.equal(standIn.log.length, before);
  });

  it('answers a BacklinksClient whose apiKey is an access token: a MISS upstream, then a HIT', async () => {
    const page = 'https://example.com/worker-dev-test';
    const client = new BacklinksClient({ apiKey: TOKEN, baseUrl: worker.url });
    const answer = await client.getPageBacklinks({ page, num: 5 });
    assert.equal(answer.data.length, 5);
    const upstream = standIn.log.filter((e) => e.form?.page === page);
    assert.equal(upstream.length, 1, 'the first call goes upstream (a MISS)');
    assert.equal(upstream[0].authorization, `Bearer ${TEST_KEYS.valid}`, 'the owner\'s key goes upstream, never the token');

    const again = await post(worker, 'HTTPS://Example.COM:443/worker-dev-test#again', 5, { origin: PAGE_ORIGIN });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-cache'), 'HIT');
    assert.equal(again.headers.get('access-control-allow-origin'), PAGE_ORIGIN);
    const body = await again.json();
    assert.equal(body.worker_cache, 'HIT');
    assert.deepEqual(body.data, answer.data);
    assert.equal(standIn.log.filter((e) => e.form?.page === page).length, 1, 'the repeat never reaches the API');
    client.free();
  });

  it('merges identical lookups in flight into one upstream call', async () => {
    const page = 'https://scenario.test/?delayMs=500&merge=worker-dev';
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => post(worker, page, 3, bearer, `192.0.2.${10 + i}`)));
    assert.deepEqual(answers.map((r) => r.status), Array(6).fill(200));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    assert.equal(new Set(bodies).size, 1);
    assert.equal(standIn.log.filter((e) => e.form?.page === page).length, 1);
  });

  it('does not follow an upstream redirect: one upstream request, a 502 http_error', async () => {
    const page = 'https://example.com/worker-dev-redirect';
    const before = standIn.log.length;
    standIn.enqueueFault({ status: 307, headers: { Location: `${standIn.url}/v1/get_page_backlinks` } });
    const response = await post(worker, page, 2, bearer, '192.0.2.50');
    assert.equal(response.status, 502);
    assert.equal(response.headers.get('x-should-retry'), 'false');
    assert.equal((await response.json()).code, 'http_error');
    assert.equal(standIn.log.length - before, 1, 'the redirect was not followed, nor retried');
  });

  it('enforces wrangler.toml\'s rate limit (30 a minute per caller) locally', async () => {
    const statuses = [];
    // Fixed 60 s windows: within 61 requests one is refused even across a window boundary.
    // Each asks for another page: cache hits are not counted. A token of its own: the limit is per caller.
    while (!statuses.includes(429) && statuses.length < 61) {
      const response = await post(worker, `https://example.com/worker-dev-rate-limit/${statuses.length}`, 1, { authorization: `Bearer ${RATE_TOKEN}` });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    assert.ok(statuses.includes(429), `statuses: ${statuses}`);
    assert.ok(statuses.filter((s) => s === 200).length >= 30);
  });

  it('never prints the key nor a token', () => {
    assert.ok(!worker.output().includes(TEST_KEYS.valid));
    assert.ok(!worker.output().includes(TOKEN));
    assert.ok(!worker.output().includes(RATE_TOKEN));
  });
});

describe('the daily budget under wrangler dev', () => {
  let standIn;
  let state;

  before(async () => {
    standIn = await startStandIn();
    state = await mkdtemp(join(tmpdir(), 'worker-budget-'));
  });

  after(async () => {
    await standIn?.close();
    await rm(state, { recursive: true, force: true });
  });

  const start = () =>
    startWorkerDev({ upstreamUrl: standIn.url, apiKey: TEST_KEYS.valid, accessTokens: [TOKEN], persistTo: state, vars: { DAILY_CREDIT_BUDGET: '10' } });

  const budget = async (worker) => (await fetch(`${worker.url}/budget`)).json();

  it('stops at DAILY_CREDIT_BUDGET with 429 budget_exhausted, and keeps the day\'s spend across a restart', async () => {
    let worker = await start();
    try {
      assert.equal((await post(worker, 'https://example.com/budget/1', 4, bearer)).status, 200);
      assert.equal((await post(worker, 'https://example.com/budget/2', 5, bearer)).status, 200);
      const refused = await post(worker, 'https://example.com/budget/3', 2, bearer);
      assert.equal(refused.status, 429);
      assert.equal((await refused.json()).code, 'budget_exhausted');
      const now = Date.now();
      const toMidnight = Math.ceil(((Math.floor(now / 86400000) + 1) * 86400000 - now) / 1000);
      assert.ok(Math.abs(Number(refused.headers.get('retry-after')) - toMidnight) <= 5, refused.headers.get('retry-after'));
      const hit = await post(worker, 'https://example.com/budget/1', 4, bearer);
      assert.equal(hit.headers.get('x-cache'), 'HIT', 'a cache hit is served with the budget spent');
      const reading = await budget(worker);
      assert.deepEqual({ ...reading, resets_at: undefined }, { limit: 10, spent: 9, reserved: 0, remaining: 1, resets_at: undefined });
    } finally {
      await worker.close();
    }

    worker = await start(); // the same --persist-to folder: a restart
    try {
      assert.deepEqual((await budget(worker)).spent, 9);
      assert.equal((await post(worker, 'https://example.com/budget/4', 2, bearer)).status, 429);
      assert.equal((await post(worker, 'https://example.com/budget/5', 1, bearer)).status, 200);
      assert.equal((await budget(worker)).remaining, 0);
      const config = await (await fetch(`${worker.url}/config`)).json();
      assert.deepEqual({ ...config, budget: { ...config.budget, resets_at: typeof config.budget.resets_at } }, { maxNum: 1000, budget: { limit: 10, remaining: 0, resets_at: 'string' } });
    } finally {
      await worker.close();
    }
  });
});
