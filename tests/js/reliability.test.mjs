// Reliability (issue 5): a fault matrix against the stand-in API, importing
// the package by its npm name like a user. Each row names the faults the
// stand-in plays, the outcome the call must have (a result or an error code)
// and how many requests must reach the stand-in (attempts). Rows run
// concurrently, each against a stand-in of its own so that its request log
// counts only its attempts. Across the whole matrix, the API key must appear
// in no error, no result and no output, and the package must print nothing.
//
// Some rows force a garbage collection while the body is read: in Node, a
// signal given to `fetch(new Request(url, { signal }))` stops reaching the
// fetch once that Request is collected (nodejs/undici#4068), so the package
// must keep it alive until the body is read, or lose the timeouts and aborts
// that come then (the call would wait for the server however long it stalls).
//
// Run: node --test tests/js/reliability.test.mjs   (a few seconds)
import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { TEST_KEYS, startStandIn } from '../../stand-in/server.mjs';
import { gc } from '../support/gc.mjs';
import { secretsIn, watchOutput } from '../support/leaks.mjs';

/** A well-formed key the stand-in does not know: it must not leak either. */
const UNKNOWN_KEY = 'ke_unknown_secret_key_0123456789';
const SECRETS = [TEST_KEYS.valid, UNKNOWN_KEY];

const PAGE = 'https://example.org/some/page';
const NUM = 5;
/** Small limits keep the file fast: at most ~1.5 s of backoff per row. */
const DEFAULT_OPTIONS = { apiKey: TEST_KEYS.valid, maxRetries: 2, timeoutMs: 2000 };
const MAX_RETRIES = DEFAULT_OPTIONS.maxRetries;
const HUGE_BYTES = 20 * 1024 * 1024;

/** A 200 whose body is exactly `body` (JSON of the wrong shape). */
const body200 = (body) => [{ status: 200, body }];
/** An HTTP date `seconds` from now, as a Retry-After value. */
const httpDateIn = (seconds) => new Date(Date.now() + seconds * 1000).toUTCString();
/** A backlink object whose fields are all strings but for `overrides`. */
const backlink = (overrides = {}) => JSON.stringify({
  anchor_text: 'a', domain_source: 'b.example', domain_target: 'example.org',
  url_source: 'https://b.example/', url_target: PAGE, ...overrides,
});

/**
 * The matrix. A row: name; faults (queued in order; a function when they
 * depend on the time); options merged over the defaults; expect:
 * `{ items }` for a success with that many backlinks, `{ check(result) }` for
 * a success checked otherwise, or `{ code, status?, retryAfter?, message? }`
 * for a failure; attempts: requests the stand-in must see; minMs/maxMs:
 * bounds on the call's duration (e.g. Retry-After honoured, timeout prompt);
 * gcAtMs/abortAtMs: when to force a garbage collection / abort the call's
 * signal, in ms after the first request reached the stand-in (its headers
 * are sent by then unless a fault delays them).
 */
const MATRIX = [
  // --- retried statuses ----------------------------------------------------
  { name: 'no fault: OK at once', faults: [], expect: { items: NUM }, attempts: 1 },
  { name: '503 then OK', faults: [{ status: 503 }], expect: { items: NUM }, attempts: 2 },
  { name: '500, 502 then OK', faults: [{ status: 500 }, { status: 502, html: true }], expect: { items: NUM }, attempts: 3 },
  {
    name: '503 always: server_error after every retry',
    faults: [{ status: 503, times: MAX_RETRIES + 1 }],
    expect: { code: 'server_error', status: 503, message: /503 Service Unavailable/ },
    attempts: MAX_RETRIES + 1,
  },
  {
    name: '502 HTML gateway page always: server_error',
    faults: [{ status: 502, html: true, times: MAX_RETRIES + 1 }],
    expect: { code: 'server_error', status: 502 },
    attempts: MAX_RETRIES + 1,
  },
  {
    name: 'maxRetries 0: one 503 is final',
    options: { maxRetries: 0 },
    faults: [{ status: 503 }],
    expect: { code: 'server_error', status: 503 },
    attempts: 1,
  },
  {
    name: '429 with Retry-After in seconds, then OK (waits the 1 s asked)',
    faults: [{ status: 429, retryAfter: '1' }],
    expect: { items: NUM },
    attempts: 2,
    minMs: 950, // backoff alone would wait at most 500 ms before the first retry
  },
  {
    name: '429 with Retry-After as an HTTP date, then OK (waits until then)',
    faults: () => [{ status: 429, retryAfter: httpDateIn(2) }],
    expect: { items: NUM },
    attempts: 2,
    minMs: 950,
  },
  {
    name: '429 always with Retry-After seconds: rate_limited with retryAfter',
    options: { maxRetries: 1 },
    faults: [{ status: 429, retryAfter: '1', times: 2 }],
    expect: { code: 'rate_limited', status: 429, retryAfter: 1, message: /Wait 1 s/ },
    attempts: 2,
    minMs: 950,
  },
  {
    name: '429 always without Retry-After: rate_limited, no retryAfter',
    options: { maxRetries: 1 },
    faults: [{ status: 429, times: 2 }],
    expect: { code: 'rate_limited', status: 429, retryAfter: undefined },
    attempts: 2,
  },
  {
    name: '429 with an HTTP date past the 60 s cap: rate_limited at once',
    faults: () => [{ status: 429, retryAfter: httpDateIn(120) }],
    // The date is written when the fault is queued, in whole seconds, and read
    // when the answer arrives: on a loaded machine that came to 118 s once.
    expect: { code: 'rate_limited', status: 429, retryAfter: (s) => s >= 110 && s <= 121 },
    attempts: 1,
    maxMs: 2500, // not the 120 s asked
  },
  // --- time (limits of 1 s leave room for the rows running alongside) --------
  { name: 'slow but within the timeout: OK', options: { timeoutMs: 1500 }, faults: [{ delayMs: 100 }], expect: { items: NUM }, attempts: 1 },
  {
    name: 'slower than the timeout before the headers: timeout, not retried',
    options: { timeoutMs: 1000 },
    faults: [{ delayMs: 10_000, times: 3 }],
    expect: { code: 'timeout', status: undefined, message: /1000 ms/ },
    attempts: 1,
    maxMs: 3000,
  },
  {
    name: 'body stalled past the timeout: timeout, not retried',
    options: { timeoutMs: 1000 },
    faults: [{ stallBodyMs: 4000, times: 3 }],
    expect: { code: 'timeout' },
    attempts: 1,
    maxMs: 3000,
  },
  {
    name: 'body stalled past the timeout, with a garbage collection meanwhile: timeout',
    options: { timeoutMs: 1000 },
    faults: [{ stallBodyMs: 4000 }],
    gcAtMs: 200,
    expect: { code: 'timeout' },
    attempts: 1,
    maxMs: 3000,
  },
  // --- the caller's AbortSignal ----------------------------------------------
  {
    name: 'aborted while the server is slow to answer: aborted',
    faults: [{ delayMs: 10_000 }],
    abortAtMs: 200,
    expect: { code: 'aborted', status: undefined },
    attempts: 1,
    maxMs: 3000,
  },
  {
    name: 'aborted while waiting to retry a 429: aborted, not retried',
    faults: [{ status: 429, retryAfter: '5' }],
    abortAtMs: 300,
    expect: { code: 'aborted' },
    attempts: 1,
    maxMs: 3000,
  },
  {
    name: 'aborted while the body stalls, with a garbage collection meanwhile: aborted',
    options: { timeoutMs: 10_000 },
    faults: [{ stallBodyMs: 4000 }],
    gcAtMs: 200,
    abortAtMs: 400,
    expect: { code: 'aborted' },
    attempts: 1,
    maxMs: 3000,
  },
  // --- connection --------------------------------------------------------------
  {
    name: 'connection reset before the answer, always: network_error',
    faults: [{ reset: 'before', times: MAX_RETRIES + 1 }],
    expect: { code: 'network_error', status: undefined, message: new RegExp(`after ${MAX_RETRIES + 1} attempts`) },
    attempts: MAX_RETRIES + 1,
  },
  {
    name: 'connection reset mid-body, always: network_error',
    faults: [{ reset: 'mid-body', times: MAX_RETRIES + 1 }],
    expect: { code: 'network_error', status: undefined, message: new RegExp(`after ${MAX_RETRIES + 1} attempts`) },
    attempts: MAX_RETRIES + 1,
  },
  { name: 'connection reset mid-body once, then OK', faults: [{ reset: 'mid-body' }], expect: { items: NUM }, attempts: 2 },
  // --- bodies that are not the documented JSON (never retried) ----------------
  { name: 'truncated JSON', faults: [{ truncate: true }], expect: { code: 'invalid_response', status: 200, message: /truncated/ }, attempts: 1 },
  { name: '200 with an HTML page', faults: [{ html: true }], expect: { code: 'invalid_response', status: 200, message: /HTML/ }, attempts: 1 },
  { name: 'empty body', faults: [{ empty: true }], expect: { code: 'invalid_response', status: 200, message: /empty/ }, attempts: 1 },
  {
    name: 'data not an array',
    faults: body200(`{"data":${backlink()},"credits_consumed":1,"time_taken":0.1}`),
    expect: { code: 'invalid_response', status: 200, message: /`data` is an object, not an array/ },
    attempts: 1,
  },
  {
    name: 'data items not objects',
    faults: body200(`{"data":[${backlink()},"${PAGE}"],"credits_consumed":2,"time_taken":0.1}`),
    expect: { code: 'invalid_response', message: /`data\[1\]` is a string, not an object/ },
    attempts: 1,
  },
  // A paid answer is read leniently rather than thrown away (issue 18).
  {
    name: 'a backlink field as a number: read as its text',
    faults: body200(`{"data":[${backlink({ url_source: 42 })}],"credits_consumed":1,"time_taken":0.1}`),
    expect: { check: (result) => assert.equal(result.data[0].url_source, '42') },
    attempts: 1,
  },
  {
    name: 'credits_consumed as a string: read as a number',
    faults: body200(`{"data":[${backlink()}],"credits_consumed":"1","time_taken":0.1}`),
    expect: { check: (result) => assert.equal(result.credits_consumed, 1) },
    attempts: 1,
  },
  {
    name: 'time_taken as a string: read as a number',
    faults: body200(`{"data":[${backlink()}],"credits_consumed":1,"time_taken":"0.1"}`),
    expect: { check: (result) => assert.equal(result.time_taken, 0.1) },
    attempts: 1,
  },
  {
    name: 'a 200 whose body is an error object: invalid_response, not retried',
    faults: body200('{"message":"402 Insufficient Credits","description":"You do not have sufficient credits to complete this request."}'),
    expect: { code: 'invalid_response', message: /error answer, not backlinks/ },
    attempts: 1,
  },
  {
    name: 'no data field',
    faults: body200('{"credits_consumed":0,"time_taken":0.1}'),
    expect: { code: 'invalid_response', message: /no `data` field/ },
    attempts: 1,
  },
  // --- size ----------------------------------------------------------------
  {
    name: 'a 20 MB body: every backlink, as many as credits consumed',
    options: { timeoutMs: 60_000, maxRetries: 0 },
    faults: [{ hugeBytes: HUGE_BYTES }],
    expect: {
      check(result) {
        assert.ok(result.data.length > 10_000, `${result.data.length} backlinks`);
        assert.equal(result.data.length, result.credits_consumed);
        assert.ok(result.data.every((l) => l.url_target === PAGE && l.anchor_text.length > 1000));
        // Serialised again, the result is as large as the body that was sent.
        const bytes = Buffer.byteLength(JSON.stringify(result));
        assert.ok(bytes >= HUGE_BYTES, `${bytes} bytes of JSON`);
      },
    },
    attempts: 1,
    report: true,
  },
  // --- the key ---------------------------------------------------------------
  {
    name: 'an unknown key: unauthorized, not retried, key not echoed',
    options: { apiKey: UNKNOWN_KEY },
    faults: [],
    expect: { code: 'unauthorized', status: 401 },
    attempts: 1,
  },
];

// Every error and result the matrix produced, for the leak check at the end.
const observed = [];
let output;
before(() => { output = watchOutput(); });
after(() => output.stop());

/** Runs one row against its own stand-in; returns the outcome, duration and attempts. */
async function run(row) {
  const api = await startStandIn();
  const controller = new AbortController();
  const timers = [];
  // Once the first request has reached the stand-in, schedules the row's gc and abort.
  const arrival = setInterval(() => {
    if (api.log.length === 0) return;
    clearInterval(arrival);
    if (row.gcAtMs !== undefined) timers.push(setTimeout(gc, row.gcAtMs));
    if (row.abortAtMs !== undefined) timers.push(setTimeout(() => controller.abort(), row.abortAtMs));
  }, 5);
  try {
    const faults = typeof row.faults === 'function' ? row.faults() : row.faults;
    faults.forEach((fault) => api.enqueueFault(fault));
    const client = new BacklinksClient({ ...DEFAULT_OPTIONS, baseUrl: api.url, ...row.options });
    const started = performance.now();
    const outcome = await client
      .getPageBacklinks({ page: PAGE, num: NUM, signal: controller.signal })
      .then((result) => ({ result }), (error) => ({ error }));
    const ms = performance.now() - started;
    observed.push(outcome.error ?? outcome.result);
    return { ...outcome, ms, attempts: api.log.length };
  } finally {
    clearInterval(arrival);
    timers.forEach(clearTimeout);
    await api.close();
  }
}

/** Checks a failure against `{ code, status?, retryAfter?, message? }`. */
function checkError(error, expect) {
  assert.ok(error instanceof KeywordsEverywhereError, `not a KeywordsEverywhereError: ${error?.stack ?? error}`);
  assert.equal(error.code, expect.code, `code (message: ${error.message})`);
  if ('status' in expect) assert.equal(error.status, expect.status, 'status');
  if (typeof expect.retryAfter === 'function') assert.ok(expect.retryAfter(error.retryAfter), `retryAfter ${error.retryAfter}`);
  else if ('retryAfter' in expect) assert.equal(error.retryAfter, expect.retryAfter, 'retryAfter');
  if (expect.message) assert.match(error.message, expect.message);
}

describe('fault matrix', { concurrency: true }, () => {
  for (const row of MATRIX) {
    it(row.name, async (t) => {
      const { result, error, ms, attempts } = await run(row);
      if (row.expect.code) {
        assert.equal(result, undefined, `resolved; expected ${row.expect.code}`);
        checkError(error, row.expect);
      } else {
        assert.equal(error, undefined, `rejected: ${error?.code}: ${error?.message}`);
        if (row.expect.check) row.expect.check(result);
        else {
          assert.equal(result.data.length, row.expect.items, 'backlinks');
          assert.equal(result.credits_consumed, row.expect.items, 'credits_consumed');
          assert.ok(result.data.every((l) => l.url_target === PAGE), 'url_target');
        }
      }
      assert.equal(attempts, row.attempts, 'attempts (requests that reached the stand-in)');
      if (row.minMs !== undefined) assert.ok(ms >= row.minMs, `took ${ms.toFixed(0)} ms, expected >= ${row.minMs}`);
      if (row.maxMs !== undefined) assert.ok(ms <= row.maxMs, `took ${ms.toFixed(0)} ms, expected <= ${row.maxMs}`);
      if (row.report) t.diagnostic(`${row.name}: ${result?.data.length} backlinks in ${ms.toFixed(0)} ms`);
    });
  }
});

/** Options the constructor must refuse, naming the field, whatever the key. */
const BAD_OPTIONS = [
  [{ apiKey: `${TEST_KEYS.valid} ` }, 'apiKey'],
  [{ apiKey: `${TEST_KEYS.valid}\n` }, 'apiKey'],
  [{ apiKey: `Bearer ${TEST_KEYS.valid}` }, 'apiKey'],
  [{ apiKey: TEST_KEYS.valid, baseUrl: 'ftp://api.example' }, 'baseUrl'],
  [{ apiKey: TEST_KEYS.valid, timeoutMs: 0 }, 'timeoutMs'],
  [{ apiKey: TEST_KEYS.valid, apikey: TEST_KEYS.valid }, 'options'],
];

test('bad options: invalid_argument naming the field, key not echoed', () => {
  for (const [options, field] of BAD_OPTIONS) {
    let error;
    try {
      new BacklinksClient(options);
    } catch (e) {
      error = e;
    }
    observed.push(error);
    checkError(error, { code: 'invalid_argument' });
    assert.equal(error.field, field);
  }
});

test('across the matrix: no key in any error or result, and the package printed nothing', () => {
  output.stop();
  assert.equal(observed.length, MATRIX.length + BAD_OPTIONS.length, 'every case ran');
  const leaks = observed.flatMap((value) => secretsIn(value, SECRETS));
  assert.deepEqual(leaks, [], 'a key leaked into an error or result');
  assert.deepEqual(output.packageOutput(), [], 'the package printed something');
  const printed = SECRETS.filter((s) => output.allText().includes(s));
  assert.deepEqual(printed, [], 'a key was printed');
});
