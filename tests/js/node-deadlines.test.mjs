// In Node, an attempt without a caller's signal times out through fetch's
// `dispatcher` option (a Deadline; see tuneForNode in js/transport.js) once
// fetch has been seen to use one, because undici's handling of a signal costs
// more than the rest of the timeout. These tests check, against the stand-in
// and Node's own fetch, that such a timeout is on time and really aborts the
// request (the stand-in sees the connection closed before its answer), before
// the answer and mid-body; that a caller's signal still goes to fetch; and
// that with a fetch that ignores `dispatcher`, calls still time out on time
// and the package goes back to signals.
//
// Run: node --test tests/js/node-deadlines.test.mjs
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BacklinksClient } from 'keywords-everywhere-backlinks';
import { startStandIn, TEST_KEYS } from '../../stand-in/server.mjs';

const TIMEOUT_MS = 300;
const PARAMS = { page: 'https://example.com/', num: 5 };
const realFetch = globalThis.fetch;
let api;

before(async () => {
  api = await startStandIn();
});
after(() => api.close());
afterEach(() => {
  globalThis.fetch = realFetch;
  api.clearFaults();
  api.clearLog();
});

const client = () => new BacklinksClient({ apiKey: TEST_KEYS.valid, baseUrl: api.url, timeoutMs: TIMEOUT_MS, maxRetries: 0 });

/** Records the init of each fetch, and passes on `change(init)` to Node's fetch. */
function spyFetch(change = (init) => init) {
  const inits = [];
  globalThis.fetch = (url, init) => {
    inits.push(init);
    return realFetch(url, change(init));
  };
  return inits;
}

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

test('once fetch has used a deadline, timeouts pass no signal, are on time and abort the request, before the answer and mid-body', async () => {
  const inits = spyFetch();
  const lookup = client();
  // Node's fetch loads on the first call; the next shows it uses the deadline.
  for (let i = 0; i < 3; i++) assert.equal((await lookup.getPageBacklinks(PARAMS)).data.length, 5);
  assert.equal(inits.at(-1).signal, undefined, 'a signal went to fetch');
  assert.equal(typeof inits.at(-1).dispatcher?.dispatch, 'function', 'no dispatcher went to fetch');
  api.clearLog();

  const faults = [
    [{ delayMs: 5000 }, 'before the answer'],
    [{ stallBodyMs: 5000 }, 'mid-body'],
  ];
  for (const [i, [fault, when]] of faults.entries()) {
    api.enqueueFault(fault);
    const { error, ms } = await timed(() => lookup.getPageBacklinks(PARAMS));
    assert.equal(error.code, 'timeout', `${when}: ${error.message}`);
    assert.ok(ms >= TIMEOUT_MS - 10 && ms < TIMEOUT_MS + 1000, `${when}: settled after ${ms} ms`);
    assert.equal(inits.at(-1).signal, undefined);
    assert.ok(await abandoned(i), `${when}: the stand-in still holds the request: it was not aborted`);
  }
  assert.equal(api.log.length, 2);

  // A caller's signal goes to fetch itself (it also stands for the timeout).
  const signal = new AbortController().signal;
  await lookup.getPageBacklinks({ ...PARAMS, signal });
  assert.ok(inits.at(-1).signal instanceof AbortSignal, 'no signal went to fetch');
  assert.equal(inits.at(-1).dispatcher, undefined);
});

test('the request goes through the global dispatcher of the moment (as setGlobalDispatcher sets it), and an abort that throws still ends the attempt on time', async () => {
  const lookup = client();
  for (let i = 0; i < 3; i++) await lookup.getPageBacklinks(PARAMS);
  api.clearLog();
  const inits = spyFetch();
  // A global dispatcher such as undici's setGlobalDispatcher installs: it
  // passes each request on to Node's own, but hands fetch an abort that throws.
  const symbol = Symbol.for('undici.globalDispatcher.1');
  const nodes = globalThis[symbol];
  let sent = 0;
  globalThis[symbol] = {
    dispatch(options, handler) {
      sent++;
      const onConnect = handler.onConnect;
      handler.onConnect = function (abort, context) {
        return onConnect.call(this, () => {
          throw new Error('this abort is broken');
        }, context);
      };
      return nodes.dispatch(options, handler);
    },
  };
  try {
    api.enqueueFault({ delayMs: 1000 });
    const { error, ms } = await timed(() => lookup.getPageBacklinks(PARAMS));
    assert.equal(error.code, 'timeout');
    assert.ok(ms < TIMEOUT_MS + 500, `settled after ${ms} ms`);
    assert.equal(sent, 1, 'the request did not go through the global dispatcher');
    assert.equal(inits[0].signal, undefined, 'this attempt relied on the deadline');
    // The stand-in answers the request nothing aborted; then the next call.
    await sleep(1000);
    assert.equal((await lookup.getPageBacklinks(PARAMS)).data.length, 5);
  } finally {
    globalThis[symbol] = nodes;
  }
});

// Last: it leaves this process's package on signals.
test('with a fetch that ignores `dispatcher`, a call still times out on time, and later attempts take a signal again', async () => {
  const lookup = client();
  for (let i = 0; i < 3; i++) await lookup.getPageBacklinks(PARAMS);
  api.clearLog();
  // As a fetch that is not undici's would: `dispatcher` is dropped.
  const inits = spyFetch(({ dispatcher, ...rest }) => rest);
  api.enqueueFault({ delayMs: 1500 });
  const first = await timed(() => lookup.getPageBacklinks(PARAMS));
  assert.equal(first.error.code, 'timeout');
  assert.ok(first.ms < TIMEOUT_MS + 1000, `settled after ${first.ms} ms`);
  assert.equal(inits[0].signal, undefined, 'this attempt relied on the deadline');

  api.enqueueFault({ delayMs: 5000 });
  const second = await timed(() => lookup.getPageBacklinks(PARAMS));
  assert.equal(second.error.code, 'timeout');
  assert.ok(inits[1].signal instanceof AbortSignal, 'no signal went to fetch');
  assert.equal(inits[1].dispatcher, undefined);
  assert.ok(await abandoned(1), 'the signal did not abort the request');
});
