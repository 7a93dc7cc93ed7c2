// The Worker under `wrangler dev` (scripts/worker-dev.mjs) in front of the stand-in API,
// called through the package's Node client without a key.
// Run: node --test tests/js/worker-dev.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BacklinksClient } from 'keywords-everywhere-backlinks';
import { startWorkerDev } from '../../scripts/worker-dev.mjs';
import { TEST_KEYS, startStandIn } from '../../stand-in/server.mjs';

describe('Worker under wrangler dev', () => {
  let standIn;
  let worker;

  before(async () => {
    standIn = await startStandIn();
    worker = await startWorkerDev({ upstreamUrl: standIn.url, apiKey: TEST_KEYS.valid });
  });

  after(async () => {
    await worker?.close();
    await standIn?.close();
  });

  /** A raw lookup, as a browser would send it, from client address `ip`. */
  const post = (page, num, ip = '192.0.2.1') =>
    fetch(`${worker.url}/v1/get_page_backlinks`, {
      method: 'POST',
      headers: { 'cf-connecting-ip': ip },
      body: new URLSearchParams({ page, num: String(num) }),
    });

  it('answers a keyless BacklinksClient: a MISS upstream, then a HIT from the cache', async () => {
    const page = 'https://example.com/worker-dev-test';
    const client = new BacklinksClient({ baseUrl: worker.url });
    const answer = await client.getPageBacklinks({ page, num: 5 });
    assert.equal(answer.data.length, 5);
    assert.equal(standIn.log.length, 1, 'the first call goes upstream (a MISS)');
    assert.equal(standIn.log[0].authorization, `Bearer ${TEST_KEYS.valid}`);

    const again = await post(page, 5);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-cache'), 'HIT');
    assert.deepEqual(await again.json(), answer);
    assert.equal(standIn.log.length, 1, 'the repeat never reaches the API');
    client.free();
  });

  it('enforces wrangler.toml\'s rate limit (30 a minute per IP) locally', async () => {
    const page = 'https://example.com/worker-dev-rate-limit';
    const statuses = [];
    // Fixed 60 s windows: within 61 requests one is refused even across a window boundary.
    while (!statuses.includes(429) && statuses.length < 61) {
      const response = await post(page, 1, '192.0.2.99');
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    assert.ok(statuses.includes(429), `statuses: ${statuses}`);
    assert.ok(statuses.filter((s) => s === 200).length >= 30);
  });

  it('never prints the key', () => {
    assert.ok(!worker.output().includes(TEST_KEYS.valid));
  });
});
