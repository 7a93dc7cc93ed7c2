// The JS half of src/transport.rs: a call's promise, one attempt (fetch, its
// timeout, the caller's abort, the body) and the wait between two attempts.
// Rust builds every part of the request and decides everything about the
// answer; this only runs the runtime's promise, fetch, timers and abort
// listeners, and reports once how each attempt or wait ended.
//
// Driven from wasm, one attempt took about a dozen calls across (controller,
// timer, fetch, status, body, clearTimeout) and a call back per settled
// promise; here it takes one of each. The promise is made here too, so that
// a call needs no Rust closure to make it, and no call across to settle it.
//
// A step is a plain number (the address of a Rust step); `dispatch` is the
// client's one wasm function that runs it: `dispatch(step, ended, status,
// retryAfter, value, size, call)`. Each step is passed to `dispatch` exactly
// once: that frees it. `call` holds the call's `resolve` and `reject`; Rust
// passes it back with each later attempt or wait of the same call, and the
// step returns what settles it (see `settle`).

import { KeywordsEverywhereError } from './error.js';

// How an attempt ended: the `ended` argument of `dispatch`. The same numbers
// are `Ended`'s in src/transport.rs.
const ANSWERED = 0; // status, retryAfter (non-2xx only), the body (see `tuning.textBodies`) and its size
const ABORTED = 1; // the caller's signal aborted it
const TIMED_OUT = 2; // the timeout aborted it
const FAILED = 3; // the network (or the runtime) failed: value is the reason
const NOT_A_RESPONSE = 4; // fetch resolved to something that is not a Response
const WAITED = 5; // a wait ended (at its timer or at the caller's abort)
const ANSWERED_FINAL = 6; // as ANSWERED, but a non-2xx that said `x-should-retry: false`
const REDIRECTED = 7; // a redirect whose status the runtime hides (a browser's opaque redirect)

// The promise `begin()` returns, or a rejected one when it throws instead.
function started(begin) {
  try {
    return begin();
  } catch (error) {
    return Promise.reject(error);
  }
}

// How this module drives `fetch` in the runtime at hand. Each choice was
// measured, and each is fastest in some runtimes only; the package's entry
// for a runtime (scripts/package-pkg.mjs) calls `tuneForNode()` or
// `tuneForBrowsers()` once, and workerd keeps the defaults.
const tuning = {
  // How an attempt without a caller's signal times out: an AbortController
  // and a timer (false), or AbortSignal.timeout() (true).
  timeoutSignals: false,
  // How an answer's body is read: response.arrayBuffer() (false), or
  // response.text() (true).
  textBodies: false,
  // How a client's headers go to fetch: the plain object Rust made (false),
  // or a Headers object made from it once (true; see `headersFor`).
  headersObjects: false,
};

/**
 * Node (undici):
 * - Bodies are read with `response.text()`: the runtime decodes them once,
 *   and js/values.js writes their UTF-8 into wasm memory with
 *   `TextEncoder.encodeInto`, where an ArrayBuffer is made, copied in and
 *   decoded again for JSON.parse. A/B of the two builds in one process,
 *   median of the rounds' ratios: 0.2-0.5% less call time at num=5 (3 x
 *   3,000 rounds), 2-3.5% at num=10000 (3 x 300 rounds). In Chromium it
 *   was 3-4.5% slower at num=10000: its `encodeInto` is slow on a 2 MB
 *   string.
 * - The headers go as a `Headers` object made once per client: undici takes
 *   its checked list as it is, where it checks and converts a plain
 *   object's names and values on every call. A/B, median of the rounds'
 *   ratios: 0.994-0.998 at num=5 (four runs of 3-4 x 3,000 rounds). In
 *   Chromium it was about 1% slower.
 * - An attempt times out through an AbortController and a timer, as in
 *   workerd: the runtime's public API. (AbortSignal.timeout() costs more
 *   than the controller in Node.)
 */
export function tuneForNode() {
  tuning.textBodies = true;
  tuning.headersObjects = true;
}

/**
 * Browsers: each attempt without a caller's signal times out through
 * `AbortSignal.timeout()` rather than an AbortController and a timer, where
 * the browser has it. Measured in Chromium, num=5, this attempt's work in
 * one page beside plain fetch (3 x 1,500 rounds): with a controller and a
 * timer 1.026-1.038x plain, with AbortSignal.timeout() 1.003-1.019x, with
 * no timeout at all 1.012-1.025x; the whole package, A/B of the two builds:
 * 0.3-1.0% less call time. A call with a caller's signal keeps the
 * controller, which follows both.
 */
export function tuneForBrowsers() {
  tuning.timeoutSignals = typeof AbortSignal.timeout === 'function';
}

// The size `dispatch` gets with a body: a string's length in UTF-16 units,
// an ArrayBuffer's in bytes, else 0.
function sizeOf(body) {
  return typeof body === 'string' ? body.length : body instanceof ArrayBuffer ? body.byteLength : 0;
}

// Whether `fetch` has run here: in Node, it has then loaded the runtime's
// fetch implementation (undici, about 20 ms), which touching `Headers`
// would load as well.
let fetched = false;
// The Headers object made for each client's headers object.
const headersMade = new WeakMap();

// The headers `fetch` gets for a client's `object` (`{ name: value }`, made
// once per client): `object` itself, or where `tuneForNode()` asked for it,
// a Headers object made from it once. Not before `fetch` has run once: a
// client that is made and never called must not load Node's fetch.
function headersFor(object) {
  if (!tuning.headersObjects || !fetched) return object;
  let made = headersMade.get(object);
  if (made === undefined) {
    try {
      made = new Headers(object);
    } catch {
      made = object;
    }
    headersMade.set(object, made);
  }
  return made;
}

// The timeout's handler: `setTimeout` passes it the controller.
function timeUp(controller) {
  controller.abort();
}

// Runs `step` with how its attempt or wait ended, then settles `call` with
// what the step returned: a result resolves it, a KeywordsEverywhereError
// rejects it, and undefined means another attempt or wait is under way.
// Should the wasm side throw (a bug), the call rejects with that rather
// than never settling.
function settle(call, dispatch, step, ended, status, retryAfter, value, size) {
  let outcome;
  try {
    outcome = dispatch(step, ended, status, retryAfter, value, size, call);
  } catch (error) {
    call.reject(error);
    return;
  }
  if (outcome instanceof KeywordsEverywhereError) call.reject(outcome);
  else if (outcome !== undefined) call.resolve(outcome);
}

// Sends `fetch(url, { method, headers, body, redirect: 'manual', signal })`
// (`headers` is made once per client; it may go as a Headers object, see
// `headersFor`; `body` is undefined for a GET), aborted after `timeoutMs` or
// when the caller's `signal` (or undefined) aborts, then reads the body;
// reports how it ended with one `dispatch`. Never throws. With no `call` yet
// (the first attempt), it makes the call's promise and returns it.
//
// Redirects are not followed: following a 307 re-sends a POST that may be
// charged again, and a redirect loop cost 63 requests. A 3xx is then an
// answer like any other (Node, workerd); a browser hides it behind an
// opaque redirect, reported as REDIRECTED.
export function attempt(call, url, method, headers, body, timeoutMs, signal, dispatch, step) {
  if (call === undefined) {
    return new Promise((resolve, reject) => {
      attempt({ resolve, reject }, url, method, headers, body, timeoutMs, signal, dispatch, step);
    });
  }
  let controller;
  let timer;
  let sentSignal; // the signal fetch gets: AbortSignal.timeout's, or the controller's
  let status = 0;
  let retryAfter;
  let answered = ANSWERED;
  let size = 0;
  let done = false;
  const onAbort = () => controller.abort();
  // Exactly once, whatever throws where.
  const end = (ended, value) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    settle(call, dispatch, step, ended, status, retryAfter, value, size);
  };
  // Whether the timeout aborted the signal fetch got.
  const timedOut = () => sentSignal?.aborted;
  const failed = (reason) => end(signal?.aborted ? ABORTED : timedOut() ? TIMED_OUT : FAILED, reason);
  const onResponse = (response) => {
    if (!(response instanceof Response)) return end(NOT_A_RESPONSE);
    if (response.type === 'opaqueredirect') return end(REDIRECTED);
    status = response.status;
    if (status < 200 || status > 299) {
      const headers = response.headers;
      retryAfter = headers.get('retry-after') ?? undefined;
      if (headers.get('x-should-retry')?.toLowerCase() === 'false') answered = ANSWERED_FINAL;
    }
    started(() => (tuning.textBodies ? response.text() : response.arrayBuffer())).then((body) => {
      size = sizeOf(body);
      end(answered, body);
    }, failed);
  };
  try {
    if (tuning.timeoutSignals && signal === undefined) {
      sentSignal = AbortSignal.timeout(timeoutMs);
    } else {
      controller = new AbortController();
      sentSignal = controller.signal;
      timer = setTimeout(timeUp, timeoutMs, controller);
      signal?.addEventListener('abort', onAbort);
    }
  } catch (error) {
    // Reported from a microtask, as every other end is: this attempt may
    // have been started by a step that `dispatch` is still running, and
    // `dispatch` must not be entered again before it returns.
    queueMicrotask(() => failed(error));
    return;
  }
  const init = { method, headers: headersFor(headers), body, signal: sentSignal, redirect: 'manual' };
  started(() => fetch(url, init)).then((response) => {
    try {
      onResponse(response);
    } catch (error) {
      failed(error);
    }
  }, failed);
  fetched = true;
}

// Waits `ms`, or less when the caller's `signal` (or undefined) aborts first;
// then runs `step` with WAITED, once. Never throws.
export function wait(call, ms, signal, dispatch, step) {
  let timer;
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', end);
    settle(call, dispatch, step, WAITED, 0, undefined, undefined, 0);
  };
  try {
    timer = setTimeout(end, ms);
    signal?.addEventListener('abort', end);
  } catch {
    // No timer or no listener: the wait ends at once (from a microtask,
    // see `attempt`), and the next attempt reports what fails.
    queueMicrotask(end);
  }
}
