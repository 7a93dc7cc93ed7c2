// The clients `make bench` compares the package with (bench/): each must do
// the package's work and give the package's results, or the ratios compare
// unlike things. Against the stand-in, in Node, at both benchmark sizes and
// on the page whose backlinks hold nulls, missing fields and non-ASCII text.
//
// Run: node --test tests/js/bench-clients.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BacklinksClient } from 'keywords-everywhere-backlinks';
import { startStandIn, TEST_KEYS } from '../../stand-in/server.mjs';
import { TRICKY_HOST } from '../../stand-in/fixtures.mjs';
import { PlainClient, PlainClientWithTimeout } from '../../bench/plain-client.mjs';
import { JsHalfClient } from '../../bench/js-half-client.mjs';

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
