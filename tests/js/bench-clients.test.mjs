// The clients `make bench` compares the package with (bench/): each must do
// the package's work and give the package's results, or the ratios compare
// unlike things. Against the stand-in, in Node, at both benchmark sizes and
// on the page whose backlinks hold nulls, missing fields and non-ASCII text.
// And the bench's browser half (bench/page.html, run by
// bench/chromium-page.mjs in headless Chromium), on a few rounds.
//
// Run: node --test tests/js/bench-clients.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BacklinksClient } from 'keywords-everywhere-backlinks';
import { startStandIn, TEST_KEYS } from '../../stand-in/server.mjs';
import { TRICKY_HOST } from '../../stand-in/fixtures.mjs';
import { PlainClient, PlainClientWithTimeout } from '../../bench/plain-client.mjs';
import { JsHalfClient } from '../../bench/js-half-client.mjs';
import { ISOLATION_HEADERS, runPage } from '../../bench/chromium-page.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';

let standIn;
before(async () => {
  standIn = await startStandIn();
});
after(() => standIn.close());

const cases = [
  { page: 'https://bench.example/', num: 5 },
  { page: 'https://bench.example/', num: 10000 },
  { page: `https://${TRICKY_HOST}/`, num: 50 },
];

for (const [name, Client] of Object.entries({ PlainClient, PlainClientWithTimeout, JsHalfClient })) {
  test(`${name} gives the package's results`, async () => {
    const options = { apiKey: TEST_KEYS.valid, baseUrl: standIn.url, timeoutMs: 30000, maxRetries: 0 };
    const pkg = new BacklinksClient(options);
    const other = new Client(options);
    for (const params of cases) {
      const expected = await pkg.getPageBacklinks(params);
      assert.ok(expected.data.length > 0, `${params.page}: no backlinks to compare`);
      assert.deepEqual(await other.getPageBacklinks(params), expected, `${params.page} num=${params.num}`);
    }
  });
}

test('the bench page runs in Chromium, isolated, and posts each size\'s figures', async () => {
  const root = new URL('../../', import.meta.url).pathname;
  const site = await startStaticServer({ mounts: { '/': root }, headers: ISOLATION_HEADERS });
  try {
    const url = `${site.url}/bench/page.html`;
    const settings = { baseUrl: standIn.url, apiKey: TEST_KEYS.valid };
    const plan = [5, 10000].map((num) => ({ num, rounds: 3, warmup: 1, page: 'https://bench.example/' }));
    const positive = (x) => Number.isFinite(x) && x > 0;

    const rows = await runPage(url, { settings: { ...settings, plan }, timeoutMs: 60_000 });
    assert.deepEqual(rows.map((r) => r.num), [5, 10000]);
    for (const r of rows) {
      assert.ok(positive(r.pkgMs) && positive(r.plainMs) && positive(r.ratio) && positive(r.paired), JSON.stringify(r));
      assert.deepEqual(Object.keys(r.references.ms).sort(), ['jsHalf', 'pkg', 'plain', 'untimed']);
    }

    // With DevTools domains on, over the pipe; and without the references.
    const [alone] = await runPage(url, { settings: { ...settings, plan: [plan[0]], references: false }, devtools: ['Runtime', 'Network'], timeoutMs: 60_000 });
    assert.ok(positive(alone.ratio), JSON.stringify(alone));
    assert.equal(alone.references, undefined);

    // A failure in the page rejects with the page's own words.
    const bad = [{ num: 0, rounds: 1, warmup: 0, page: 'https://bench.example/' }];
    await assert.rejects(runPage(url, { settings: { ...settings, plan: bad }, timeoutMs: 60_000 }), /bench page: .*num/);
  } finally {
    await site.close();
  }
});
