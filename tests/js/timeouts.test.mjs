// Timeouts and aborts as a user sees them, in Node, against the stand-in and
// Node's own fetch: an attempt that takes longer than `timeoutMs` fails with
// `timeout` on time, and a caller's abort with `aborted` at once, before the
// answer and mid-body; and either really ends the request (the stand-in sees
// the client close the connection before its whole answer went out), rather
// than only giving up on it while the server keeps sending.
//
// Run: node --test tests/js/timeouts.test.mjs
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BacklinksClient } from 'keywords-everywhere-backlinks';
import { startStandIn, TEST_KEYS } from '../../stand-in/server.mjs';

const TIMEOUT_MS = 300;
const PARAMS = { page: 'https://example.com/', num: 5 };
const FAULTS = [
  [{ delayMs: 5000 }, 'before the answer'],
  [{ stallBodyMs: 5000 }, 'mid-body'],
];
let api;

before(async () => {
  api = await startStandIn();
});
after(() => api.close());
afterEach(() => {
  api.clearFaults();
  api.clearLog();
});

const client = () => new BacklinksClient({ apiKey: TEST_KEYS.valid, baseUrl: api.url, timeoutMs: TIMEOUT_MS, maxRetries: 0 });

/** The call's error and how long it took; fails if it resolves. */
async function timed(call) {
  const started = performance.now();
  const error = await call().then((value) => assert.fail(`resolved with ${JSON.stringify(value)}`), (e) => e);
  return { error, ms: performance.now() - started };
}

/** Waits up to 2 s for the stand-in to see the client close the connection of log entry `i`. */
async function abandoned(i) {
  const until = Date.now() + 2000;
  while (!api.log[i]?.abandoned && Date.now() < until) await sleep(10);
  return api.log[i]?.abandoned === true;
}

test('a timeout is on time and ends the request, before the answer and mid-body, in a warmed process', async () => {
  const lookup = client();
  // Past the first calls (which load Node's fetch), as in a running app.
  for (let i = 0; i < 3; i++) assert.equal((await lookup.getPageBacklinks(PARAMS)).data.length, 5);
  api.clearLog();
  for (const [i, [fault, when]] of FAULTS.entries()) {
    api.enqueueFault(fault);
    const { error, ms } = await timed(() => lookup.getPageBacklinks(PARAMS));
    assert.equal(error.code, 'timeout', `${when}: ${error.message}`);
    assert.ok(ms >= TIMEOUT_MS - 10 && ms < TIMEOUT_MS + 1000, `${when}: settled after ${ms} ms`);
    assert.ok(await abandoned(i), `${when}: the stand-in still holds the request: it was not aborted`);
  }
  assert.equal(api.log.length, 2);
  // The client goes on working after its timeouts.
  assert.equal((await lookup.getPageBacklinks(PARAMS)).data.length, 5);
});

test("a caller's abort settles at once and ends the request, before the answer and mid-body", async () => {
  const lookup = new BacklinksClient({ apiKey: TEST_KEYS.valid, baseUrl: api.url, timeoutMs: 30_000, maxRetries: 0 });
  for (const [i, [fault, when]] of FAULTS.entries()) {
    api.enqueueFault(fault);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { error, ms } = await timed(() => lookup.getPageBacklinks({ ...PARAMS, signal: controller.signal }));
    assert.equal(error.code, 'aborted', `${when}: ${error.message}`);
    assert.ok(ms >= 190 && ms < 1200, `${when}: settled after ${ms} ms`);
    assert.ok(await abandoned(i), `${when}: the stand-in still holds the request: it was not aborted`);
  }
});
