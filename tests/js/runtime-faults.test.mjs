// When the runtime itself misbehaves, rather than the server: a `fetch` that
// throws instead of returning a promise, that resolves to something that is
// not a Response, or a Response whose `text`, status or headers throw.
// Each call must still reject (never throw, never hang) with a network_error
// that says what happened, after the same attempts as any network error. The global `fetch`
// is replaced for each test and put back after it.
//
// Run: node --test tests/js/runtime-faults.test.mjs
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const KEY = 'ke_runtime_faults_secret_key';
const PARAMS = { page: 'https://example.org/', num: 5 };
const client = () => new BacklinksClient({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 1, timeoutMs: 1000 });

/** Replaces `fetch` with `impl`, counting its calls. */
function stubFetch(impl) {
  const calls = [];
  globalThis.fetch = (url, init) => {
    calls.push({ url, init });
    return impl(url, init);
  };
  return calls;
}

/** The call's rejection; fails if it throws synchronously or resolves. */
async function rejection(call) {
  let promise;
  assert.doesNotThrow(() => { promise = call(); }, 'the call threw instead of rejecting');
  const outcome = await promise.then((value) => ({ value }), (error) => ({ error }));
  assert.ok(outcome.error, `resolved with ${JSON.stringify(outcome.value)}`);
  assert.ok(outcome.error instanceof KeywordsEverywhereError, String(outcome.error));
  assert.ok(!outcome.error.message.includes(KEY), 'the key is in the message');
  return outcome.error;
}

test('a fetch that throws synchronously: network_error after every attempt', async () => {
  const calls = stubFetch(() => {
    throw new TypeError('fetch is broken here');
  });
  const error = await rejection(() => client().getPageBacklinks(PARAMS));
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /TypeError: fetch is broken here/);
  assert.match(error.message, /after 2 attempts/);
  assert.equal(calls.length, 2);
});

// A retry starts from inside the step that handles the failed attempt: an
// attempt that fails before fetch (here, making its AbortController throws)
// must still be reported after that step returns, never into it (which
// wasm-bindgen refuses with an error of its own instead of ours).
test('an AbortController that throws: network_error after every attempt', async () => {
  const calls = stubFetch(async () => new Response('{"data":[]}'));
  const RealController = globalThis.AbortController;
  globalThis.AbortController = class {
    constructor() {
      throw new RangeError('no controllers here');
    }
  };
  try {
    const lookup = new BacklinksClient({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 2, timeoutMs: 1000 });
    const error = await rejection(() => lookup.getPageBacklinks(PARAMS));
    assert.equal(error.code, 'network_error');
    assert.match(error.message, /RangeError: no controllers here/);
    assert.match(error.message, /after 3 attempts/);
    assert.equal(calls.length, 0, 'no request went');
  } finally {
    globalThis.AbortController = RealController;
  }
});

// The caller's signal is listened to by each attempt and each wait.
test("a caller's signal whose addEventListener throws: network_error after every attempt", async () => {
  const calls = stubFetch(async () => new Response('{"data":[]}'));
  const signal = new AbortController().signal;
  signal.addEventListener = () => {
    throw new RangeError('no listeners here');
  };
  const error = await rejection(() => client().getPageBacklinks({ ...PARAMS, signal }));
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /RangeError: no listeners here/);
  assert.match(error.message, /after 2 attempts/);
  assert.equal(calls.length, 0, 'no request went');
});

test('fetch resolving to something that is not a Response: network_error', async () => {
  const calls = stubFetch(async () => ({ status: 200, arrayBuffer: async () => new ArrayBuffer(0) }));
  const error = await rejection(() => client().getPageBacklinks(PARAMS));
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /not a Response/);
  assert.equal(calls.length, 2);
});

test('a Response whose text() throws synchronously: network_error (Node reads bodies as text)', async () => {
  const calls = stubFetch(async () => {
    const response = new Response('{"data":[]}', { status: 200 });
    response.text = () => {
      throw new RangeError('no body for you');
    };
    // Never read in Node (see tuneForNode in js/transport.js).
    response.arrayBuffer = () => {
      throw new RangeError('not this one');
    };
    return response;
  });
  const error = await rejection(() => client().getPageBacklinks(PARAMS));
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /RangeError: no body for you/);
  assert.equal(calls.length, 2);
});

test('a Response whose status or headers throw: network_error, each attempt reported once', async () => {
  class NoStatus extends Response {
    get status() {
      throw new RangeError('no status either');
    }
  }
  let calls = stubFetch(async () => new NoStatus('{}'));
  let error = await rejection(() => client().getPageBacklinks(PARAMS));
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /RangeError: no status either/);
  assert.match(error.message, /after 2 attempts/);
  assert.equal(calls.length, 2);

  // A non-2xx answer's Retry-After is read from the headers.
  calls = stubFetch(async () => {
    const response = new Response('{}', { status: 503 });
    Object.defineProperty(response, 'headers', { get() { throw new TypeError('headers are gone'); } });
    return response;
  });
  error = await rejection(() => client().getPageBacklinks(PARAMS));
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /TypeError: headers are gone/);
  assert.equal(calls.length, 2);
});

test('the request fetch gets: URL, method, headers (a Headers object in Node), the form body as a string and a live signal', async () => {
  const calls = stubFetch(async () => new Response('{"data":[],"credits_consumed":0,"time_taken":0.1}', { status: 200 }));
  // So that fetch has run in this process even when this test runs alone.
  await client().getPageBacklinks(PARAMS);
  calls.splice(0);
  const lookup = client();
  const result = await lookup.getUniquePageBacklinks({ page: 'https://example.org/a b?x=1&y=é', num: 7 });
  assert.deepEqual(result, { data: [], credits_consumed: 0, time_taken: 0.1 });
  assert.equal(calls.length, 1);
  const [{ url, init }] = calls;
  assert.equal(url, 'http://127.0.0.1:9/v1/get_unique_page_backlinks');
  assert.equal(init.method, 'POST');
  // The client's headers, the same for every request: in Node, once fetch
  // has run in the process, a Headers object the client made once from
  // them (see tuneForNode in js/transport.js). fetch copies it, so no call
  // can change another's.
  const expected = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Bearer ${KEY}`,
  };
  await lookup.getUniquePageBacklinks({ page: 'https://example.org/', num: 1 });
  await lookup.getPageBacklinks({ page: 'https://example.org/', num: 1 });
  for (const { init: each } of calls) {
    assert.ok(each.headers instanceof Headers, 'a Headers object');
    assert.deepEqual(Object.fromEntries(each.headers), expected);
    assert.equal(each.headers, calls[0].init.headers, 'made once');
  }
  // A JS string (its own copy, never a view of wasm memory), in the exact
  // form URLSearchParams gives.
  assert.equal(typeof init.body, 'string');
  assert.equal(init.body, new URLSearchParams({ page: 'https://example.org/a b?x=1&y=é', num: '7' }).toString());
  assert.ok(init.signal instanceof AbortSignal);
  assert.equal(init.signal.aborted, false);
});

test('an exception inside the package while it handles an answer rejects the call instead of hanging', async () => {
  // The package reads the clock for a Retry-After; a clock that throws stands
  // in for any failure on the wasm side of a step.
  const calls = stubFetch(async () => new Response('{}', { status: 429, headers: { 'Retry-After': '1' } }));
  const realNow = Date.now;
  Date.now = () => {
    throw new Error('the clock broke');
  };
  let outcome;
  try {
    outcome = await client().getPageBacklinks(PARAMS).then((value) => ({ value }), (error) => ({ error }));
  } finally {
    Date.now = realNow;
  }
  assert.ok(outcome.error, `resolved with ${JSON.stringify(outcome.value)}`);
  assert.equal(outcome.error.message, 'the clock broke');
  assert.equal(calls.length, 1);
});

test('an answer with a byte order mark and bytes that are not UTF-8 reads as response.json() reads it', async () => {
  const json = JSON.stringify({
    data: [{ anchor_text: 'café X', domain_source: 'a.example', domain_target: 'b.example', url_source: 'https://a.example/', url_target: 'https://b.example/' }],
    credits_consumed: 1,
    time_taken: 0.1,
  });
  const bytes = new TextEncoder().encode(json);
  bytes[bytes.indexOf(0x58)] = 0xff; // the X: a byte no UTF-8 text holds
  const body = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
  stubFetch(async () => new Response(body, { status: 200 }));
  const result = await client().getPageBacklinks(PARAMS);
  assert.equal(result.data[0].anchor_text, 'café \uFFFD');
  assert.deepEqual(result, await new Response(body).json());
});
