// client.lookupMany and summarize, against the stand-in: the hard credit cap
// under concurrency 1 and 8, what stops a run, abort, order, progress,
// 1,000 targets, memory, and the summary's counts and order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BacklinksClient, KeywordsEverywhereError, summarize } from 'keywords-everywhere-backlinks';
import { startStandIn } from '../../stand-in/server.mjs';
import { gc } from '../support/gc.mjs';

let api;
let slow; // answers every call after 40 ms
before(async () => {
  api = await startStandIn();
  slow = await startStandIn({ answerDelayMs: 40 });
});
after(async () => {
  await api.close();
  await slow.close();
});

const clientOf = (server, options = {}) => new BacklinksClient({ apiKey: server.keys.valid, baseUrl: server.url, ...options });

/** Runs `body` with the global fetch counting the calls in flight; answers the most seen. */
async function countingInFlight(body) {
  const original = globalThis.fetch;
  let now = 0;
  let most = 0;
  globalThis.fetch = async (...args) => {
    most = Math.max(most, ++now);
    try {
      return await original(...args);
    } finally {
      now--;
    }
  };
  try {
    const result = await body();
    return { result, most };
  } finally {
    globalThis.fetch = original;
  }
}

// The docs' sample page answers at most 5 backlinks: with num 10, each call
// costs 5 credits against a worst case of 10.
const SAMPLE = 'https://example.com/';

describe('the cap is exact', () => {
  for (const concurrency of [1, 8]) {
    test(`concurrency ${concurrency}: never sends a call that could pass maxCredits, and answers cheaper than their worst case leave room`, async () => {
      slow.clearLog();
      const seen = [];
      const { result: run, most } = await countingInFlight(() =>
        clientOf(slow).lookupMany({
          kind: 'page',
          targets: Array(12).fill(SAMPLE),
          num: 10,
          concurrency,
          maxCredits: 33,
          onProgress: (p) => seen.push(p),
        }),
      );
      // Reserving 10 per call under 33: at most 3 in flight; answers of 5
      // free room, so calls go on until 25 are spent and 8 are left.
      assert.equal(most, Math.min(concurrency, 3));
      assert.equal(slow.log.length, 5);
      assert.deepEqual(run.results.map((r) => r.status), [...Array(5).fill('ok'), ...Array(7).fill('skipped')]);
      for (const r of run.results.slice(5)) {
        assert.ok(r.error instanceof KeywordsEverywhereError);
        assert.equal(r.error.code, 'budget_exceeded');
        assert.match(r.error.message, /maxCredits/);
      }
      assert.equal(run.creditsConsumed, 25);
      assert.equal(run.worstCaseCredits, 120);
      for (const p of seen) assert.ok(p.creditsConsumed + p.creditsReserved <= 33, JSON.stringify(p));
      // With one call at a time, each report comes between two calls.
      if (concurrency > 1) assert.ok(seen.some((p) => p.creditsReserved > 0));
    });
  }

  test('a worst case larger than the cap sends nothing', async () => {
    api.clearLog();
    const run = await clientOf(api).lookupMany({ kind: 'page', targets: [SAMPLE], num: 10, maxCredits: 9 });
    assert.equal(api.log.length, 0);
    assert.equal(run.results[0].error.code, 'budget_exceeded');
    assert.equal(run.worstCaseCredits, 10);
  });

  test('a call that fails without saying what it cost keeps its worst case counted against the cap', async () => {
    api.clearLog();
    api.enqueueFault({ reset: 'before' });
    // 24: 10 kept for the reset call + 10 reserved fit; after the answer of
    // 5, 15 are spent and 10 more do not. (Had the reset call been
    // released, the third would have fit.)
    const run = await clientOf(api, { maxRetries: 0 }).lookupMany({ kind: 'page', targets: [SAMPLE, SAMPLE, SAMPLE], num: 10, maxCredits: 24, concurrency: 1 });
    assert.deepEqual(run.results.map((r) => r.error?.code ?? r.status), ['network_error', 'ok', 'budget_exceeded']);
    assert.equal(run.creditsConsumed, 5);
  });

  test('retries count against the same reservation', async () => {
    api.clearLog();
    api.enqueueFault({ status: 503, times: 2 });
    // 14: the first target's three attempts fit in its one reservation of
    // 10; after its answer of 5, 9 are left for the second's 10.
    const run = await clientOf(api).lookupMany({ kind: 'page', targets: [SAMPLE, SAMPLE], num: 10, maxCredits: 14, concurrency: 1 });
    assert.equal(api.log.length, 3, 'two attempts answered 503, the third an answer of 5');
    assert.deepEqual(run.results.map((r) => r.error?.code ?? r.status), ['ok', 'budget_exceeded']);
  });
});

describe('concurrency', () => {
  test('keeps exactly `concurrency` calls in flight while work remains', async () => {
    const { result: run, most } = await countingInFlight(() =>
      clientOf(slow).lookupMany({ kind: 'page', targets: Array(24).fill('https://a.test/'), num: 1, concurrency: 8 }),
    );
    assert.equal(most, 8);
    assert.ok(run.results.every((r) => r.status === 'ok'));
  });
});

describe('what stops the run', () => {
  test('a 401 mid-run: later targets are skipped with unauthorized, calls in flight end as they end', async () => {
    api.clearLog();
    api.enqueueFault({ delayMs: 1, times: 2 });
    api.enqueueFault({ status: 401, body: '{"message":"401 Missing Or Invalid API Key"}' });
    const run = await clientOf(api).lookupMany({ kind: 'page', targets: Array.from({ length: 8 }, (_, i) => `https://t${i}.test/`), num: 2, concurrency: 1 });
    assert.equal(api.log.length, 3);
    assert.deepEqual(run.results.map((r) => r.status), ['ok', 'ok', 'failed', ...Array(5).fill('skipped')]);
    assert.equal(run.results[2].error.code, 'unauthorized');
    assert.equal(run.results[2].error.status, 401);
    for (const r of run.results.slice(3)) {
      assert.equal(r.error.code, 'unauthorized');
      assert.match(r.error.message, /^Not sent: an earlier target failed with `unauthorized`/);
    }
    assert.equal(run.creditsConsumed, 4);
  });

  for (const [key, code] of [['noSubscription', 'subscription_required'], ['bronze', 'plan_required'], ['lowCredits', 'insufficient_credits']]) {
    test(`${code} stops the run`, async () => {
      api.clearLog();
      const client = new BacklinksClient({ apiKey: api.keys[key], baseUrl: api.url });
      const run = await client.lookupMany({ kind: 'page', targets: Array(5).fill(SAMPLE), num: 200, concurrency: 1 });
      assert.equal(api.log.length, 1);
      assert.deepEqual(run.results.map((r) => r.error.code), Array(5).fill(code));
      assert.deepEqual(run.results.map((r) => r.status), ['failed', ...Array(4).fill('skipped')]);
    });
  }

  test('other failures do not stop the run', async () => {
    api.clearLog();
    api.enqueueFault({ status: 400, body: '{"message":"400 Invalid Request"}' });
    api.enqueueFault({ status: 503, times: 3 });
    const run = await clientOf(api, { maxRetries: 2 }).lookupMany({ kind: 'page', targets: [SAMPLE, SAMPLE, SAMPLE], num: 1, concurrency: 1 });
    assert.deepEqual(run.results.map((r) => r.error?.code ?? r.status), ['bad_request', 'server_error', 'ok']);
  });
});

describe('abort', () => {
  test('mid-run: the promise resolves with what was done; in flight -> failed aborted, not sent -> skipped aborted', async () => {
    slow.clearLog();
    const controller = new AbortController();
    const run = await clientOf(slow).lookupMany({
      kind: 'page',
      targets: Array.from({ length: 10 }, (_, i) => `https://t${i}.test/`),
      num: 1,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => p.done === 2 && controller.abort(),
    });
    const statuses = run.results.map((r) => (r.status === 'ok' ? 'ok' : `${r.status}:${r.error.code}`));
    assert.deepEqual(statuses, ['ok', 'ok', 'failed:aborted', ...Array(7).fill('skipped:aborted')]);
    assert.ok(slow.log.length <= 3, 'nothing is sent after the abort');
  });

  test('an already aborted signal sends nothing and still resolves', async () => {
    api.clearLog();
    const run = await clientOf(api).lookupMany({ kind: 'page', targets: [SAMPLE, 'not a url'], num: 1, signal: AbortSignal.abort() });
    assert.equal(api.log.length, 0);
    assert.deepEqual(run.results.map((r) => `${r.status}:${r.error.code}`), ['skipped:aborted', 'failed:invalid_argument']);
  });
});

describe('results and progress', () => {
  test('one result per target in input order, whatever order the answers came in; invalid targets fail alone and cost nothing', async () => {
    api.clearLog();
    const targets = ['https://scenario.test/?delayMs=80', 'ftp://x', 'https://b.test/', 42, 'https://c.test/'];
    const seen = [];
    const run = await clientOf(api).lookupMany({ kind: 'page', targets, num: 3, concurrency: 4, onProgress: (p) => seen.push(p) });
    assert.deepEqual(run.results.map((r) => r.target), targets);
    assert.deepEqual(run.results.map((r) => r.status), ['ok', 'failed', 'ok', 'failed', 'ok']);
    assert.equal(run.results[1].error.code, 'invalid_argument');
    assert.equal(run.results[1].error.field, 'page');
    assert.equal(run.results[3].error.field, 'page');
    assert.equal(run.results[0].response.data[0].url_target, targets[0]);
    assert.equal(api.log.length, 3);
    assert.equal(run.worstCaseCredits, 9);
    assert.equal(run.creditsConsumed, 9);
    assert.deepEqual(seen.map((p) => p.done), [1, 2, 3, 4, 5]);
    assert.deepEqual(seen.at(-1), { done: 5, total: 5, ok: 3, failed: 2, skipped: 0, creditsConsumed: 9, creditsReserved: 0 });
  });

  test('an onProgress that throws does not stop the run', async () => {
    const run = await clientOf(api).lookupMany({ kind: 'page', targets: [SAMPLE, SAMPLE], num: 1, onProgress: () => { throw new Error('callback bug'); } });
    assert.deepEqual(run.results.map((r) => r.status), ['ok', 'ok']);
  });

  test('the targets array is read when the run starts', async () => {
    const targets = [SAMPLE];
    const pending = clientOf(api).lookupMany({ kind: 'page', targets, num: 1 });
    targets.push('https://later.test/');
    targets[0] = 'changed';
    const run = await pending;
    assert.deepEqual(run.results.map((r) => [r.target, r.status]), [[SAMPLE, 'ok']]);
  });

  test('dry run: sends nothing, checks every target and prices the run', async () => {
    api.clearLog();
    const run = await clientOf(api).lookupMany({ kind: 'page', targets: [SAMPLE, 'x', SAMPLE, SAMPLE], num: 4, maxCredits: 9, dryRun: true });
    assert.equal(api.log.length, 0);
    assert.deepEqual(run.results.map((r) => `${r.status}:${r.error.code}`), ['skipped:dry_run', 'failed:invalid_argument', 'skipped:dry_run', 'skipped:budget_exceeded']);
    assert.equal(run.worstCaseCredits, 12);
    assert.equal(run.creditsConsumed, 0);
  });

  test('1,000 targets: all answered, in order, progress ends at total and never goes down', async () => {
    api.clearLog();
    const targets = Array.from({ length: 1000 }, (_, i) => `https://site${i}.test/page`);
    let last = 0;
    let calls = 0;
    const run = await clientOf(api).lookupMany({
      kind: 'page', targets, num: 1, concurrency: 32,
      onProgress: (p) => { assert.ok(p.done >= last); last = p.done; calls++; assert.equal(p.total, 1000); },
    });
    assert.equal(api.log.length, 1000);
    assert.equal(calls, 1000);
    assert.equal(last, 1000);
    run.results.forEach((r, i) => {
      assert.equal(r.status, 'ok');
      assert.equal(r.target, targets[i]);
      assert.equal(r.response.data[0].url_target, targets[i]);
    });
    assert.equal(run.creditsConsumed, 1000);
  });

  test('memory stays flat: a run of 10,000 targets holds only its results, and nothing once they are dropped', async () => {
    // A fetch that answers at once (a test of memory, not of the network):
    // one small backlink per target.
    const original = globalThis.fetch;
    const body = JSON.stringify({ data: [{ anchor_text: 'a', domain_source: 'b.test', domain_target: 'c.test', url_source: 'https://b.test/', url_target: 'https://c.test/' }], credits_consumed: 1, time_taken: 0 });
    globalThis.fetch = async () => new Response(body, { headers: { 'content-type': 'application/json' } });
    try {
      const client = new BacklinksClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
      const targets = Array.from({ length: 10_000 }, (_, i) => `https://m${i}.test/`);
      const heap = () => { gc(); return process.memoryUsage().heapUsed; };
      await client.lookupMany({ kind: 'page', targets, num: 1, concurrency: 32 });
      const before = heap();
      let held = 0;
      for (let round = 0; round < 3; round++) {
        const run = await client.lookupMany({ kind: 'page', targets, num: 1, concurrency: 32 });
        assert.ok(run.results.every((r) => r.status === 'ok'));
        held = Math.max(held, heap() - before);
      }
      const left = heap() - before;
      if (process.env.BULK_MEMORY_LOG) console.error({ held, left });
      assert.ok(held / 10_000 < 2_000, `${held} B held while the results were: more than 2 KB per result`);
      assert.ok(left < 2_000_000, `${left} B left after three runs of 10,000 whose results were dropped`);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe('the four kinds', () => {
  test('domains: each target is a domain, sent as the form field `domain`; a URL fails alone with field domain', async () => {
    api.clearLog();
    const run = await clientOf(api).lookupMany({ kind: 'domain', targets: ['example.com', 'https://example.com/', 'blog.example.co.uk'], num: 3 });
    assert.deepEqual(run.results.map((r) => r.status), ['ok', 'failed', 'ok']);
    assert.equal(run.results[1].error.code, 'invalid_argument');
    assert.equal(run.results[1].error.field, 'domain');
    assert.deepEqual(api.log.map((e) => e.path), ['/v1/get_domain_backlinks', '/v1/get_domain_backlinks']);
    assert.deepEqual(new Set(api.log.map((e) => new URLSearchParams(e.rawBody).get('domain'))), new Set(['example.com', 'blog.example.co.uk']));
    assert.equal(run.worstCaseCredits, 6);
  });

  test('unique kinds price each backlink at 5 credits, and the cap follows', async () => {
    api.clearLog();
    const run = await clientOf(api).lookupMany({ kind: 'unique_domain', targets: ['a.test', 'b.test'], num: 2, maxCredits: 14, concurrency: 1 });
    assert.equal(run.worstCaseCredits, 20);
    assert.deepEqual(run.results.map((r) => r.error?.code ?? r.status), ['ok', 'budget_exceeded']);
    assert.equal(api.log[0].path, '/v1/get_unique_domain_backlinks');
    const page = await clientOf(api).lookupMany({ kind: 'unique_page', targets: [SAMPLE], num: 10, maxCredits: 49 });
    assert.equal(page.results[0].error.code, 'budget_exceeded');
    assert.equal(page.worstCaseCredits, 50);
  });
});

describe('run-level errors', () => {
  const base = { kind: 'page', targets: [SAMPLE], num: 1 };
  for (const [change, field] of [
    [{ kind: 'pages' }, 'kind'],
    [{ kind: undefined }, 'kind'],
    [{ targets: 'https://example.com/' }, 'targets'],
    [{ targets: undefined }, 'targets'],
    [{ num: 0 }, 'num'],
    [{ num: '5' }, 'num'],
    [{ concurrency: 33 }, 'concurrency'],
    [{ concurrency: 1.5 }, 'concurrency'],
    [{ maxCredits: -1 }, 'maxCredits'],
    [{ maxCredits: '100' }, 'maxCredits'],
    [{ dryRun: 'yes' }, 'dryRun'],
    [{ onProgress: {} }, 'onProgress'],
    [{ maxCredit: 5 }, 'options'],
  ]) {
    test(`rejects ${JSON.stringify(change)} with invalid_argument naming ${field}, sending nothing`, async () => {
      api.clearLog();
      const error = await clientOf(api).lookupMany({ ...base, ...change }).then(() => null, (e) => e);
      assert.ok(error instanceof KeywordsEverywhereError);
      assert.equal(error.code, 'invalid_argument');
      assert.equal(error.field, field);
      assert.equal(api.log.length, 0);
    });
  }
  test('rejects options that are not an object', async () => {
    for (const options of [undefined, null, 'page', [], () => {}]) {
      const error = await clientOf(api).lookupMany(options).then(() => null, (e) => e);
      assert.equal(error?.code, 'invalid_argument');
    }
  });
});

describe('summarize', () => {
  const link = (domain_source, anchor_text, url_target) => ({ domain_source, anchor_text, url_target, domain_target: 'x', url_source: 'y' });

  test('counts by referring domain, anchor and target; most first, ties by name in code-unit order; empty anchors under ""', () => {
    const s = summarize({
      data: [
        link('b.com', '', 'https://x/'),
        link('a.com', 'click', 'https://x/'),
        link('10.com', '', 'https://y/'),
        link('b.com', 'Click', 'https://x/'),
        link('a.com', '', 'https://x/'),
        link('2.com', '\u{1F600}', 'https://x/'),
        link('\uFF5E.com', '\uFF5E', 'https://x/'),
      ],
      credits_consumed: 7,
      time_taken: 0,
    });
    assert.equal(s.backlinks, 7);
    assert.deepEqual(s.referringDomains, [
      { domain: 'a.com', backlinks: 2 }, { domain: 'b.com', backlinks: 2 },
      { domain: '10.com', backlinks: 1 }, { domain: '2.com', backlinks: 1 }, { domain: '\uFF5E.com', backlinks: 1 },
    ]);
    assert.deepEqual(s.anchors, [
      { text: '', backlinks: 3 }, { text: 'Click', backlinks: 1 }, { text: 'click', backlinks: 1 },
      { text: '\u{1F600}', backlinks: 1 }, { text: '\uFF5E', backlinks: 1 },
    ]);
    assert.deepEqual(s.targets, [{ url: 'https://x/', backlinks: 6 }, { url: 'https://y/', backlinks: 1 }]);
    // The same order as JS's own sort of the names.
    const names = s.anchors.filter((a) => a.backlinks === 1).map((a) => a.text);
    assert.deepEqual(names, [...names].sort());
  });

  test('text comes back exactly, lone surrogates included, and two names that differ only there stay two', () => {
    const s = summarize({ data: [link('a', '\uD800', ''), link('a', '\uDC00', ''), link('a', '\uD800', '')] });
    assert.deepEqual(s.anchors, [{ text: '\uD800', backlinks: 2 }, { text: '\uDC00', backlinks: 1 }]);
  });

  test('a real answer, and an empty one', async () => {
    const response = await clientOf(api).getPageBacklinks({ page: SAMPLE, num: 5 });
    const s = summarize(response);
    assert.equal(s.backlinks, 5);
    assert.deepEqual(s.referringDomains, [{ domain: 'reddit.com', backlinks: 5 }]);
    assert.deepEqual(s.anchors.map((a) => a.text), ['example.com', '', 'Hoopla!', 'link']);
    assert.deepEqual(summarize({ data: [] }), { backlinks: 0, referringDomains: [], anchors: [], targets: [] });
  });

  test('missing and null fields count under "", numbers as their text; other input is refused', () => {
    const s = summarize({ data: [{ anchor_text: null }, { anchor_text: 5, domain_source: true }] });
    assert.deepEqual(s.anchors, [{ text: '', backlinks: 1 }, { text: '5', backlinks: 1 }]);
    assert.deepEqual(s.referringDomains, [{ domain: '', backlinks: 1 }, { domain: 'true', backlinks: 1 }]);
    for (const [bad, words] of [
      [undefined, /data/], [null, /data/], [{}, /data/], [{ data: 'x' }, /data/],
      [{ data: [null] }, /data\[0\]/], [{ data: [{}, { url_target: {} }] }, /data\[1\]\.url_target/],
    ]) {
      assert.throws(() => summarize(bad), (e) => e instanceof KeywordsEverywhereError && e.code === 'invalid_argument' && e.field === 'response' && words.test(e.message));
    }
  });
});
