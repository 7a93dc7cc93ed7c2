// The JS half of src/transport.rs: one attempt (fetch, its timeout, the
// caller's abort, the body) and the wait between two attempts. Rust builds
// every part of the request and decides everything about the answer; this
// only runs the runtime's fetch, timers and abort listeners, and reports once
// how the attempt ended.
//
// Driven from wasm, one attempt took about a dozen calls across (controller,
// timer, fetch, status, body, clearTimeout) and a call back per settled
// promise; here it takes one of each. Measured: the same call time, and a
// .wasm 1.2 KB gzip smaller, without the Rust timer, listener and closure
// types that each step needed.
//
// A step is a plain number (the address of a Rust step); `dispatch` is the
// client's one wasm function that runs it: `dispatch(step, ended, status,
// retryAfter, value)`. Each step is passed to `dispatch` exactly once: that
// frees it.

// How an attempt ended: the `ended` argument of `dispatch`. The same numbers
// are `Ended`'s in src/transport.rs.
const ANSWERED = 0; // status, retryAfter (non-2xx only) and the body's ArrayBuffer
const ABORTED = 1; // the caller's signal aborted it
const TIMED_OUT = 2; // the timeout aborted it
const FAILED = 3; // the network (or the runtime) failed: value is the reason
const NOT_A_RESPONSE = 4; // fetch resolved to something that is not a Response
const WAITED = 5; // a wait ended (at its timer or at the caller's abort)

// The promise `start()` returns, or a rejected one when it throws instead.
function started(start) {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}

// The timeout's handler: `setTimeout` passes it the controller.
function timeUp(controller) {
  controller.abort();
}

// Sends `fetch(url, { method, headers, body, signal })` (`headers` is an
// object made once per client), aborted after `timeoutMs` or when the
// caller's `signal` (or undefined) aborts, then reads the body; reports how
// it ended with one `dispatch`. Never throws.
export function attempt(url, method, headers, body, timeoutMs, signal, dispatch, step) {
  let controller;
  let timer;
  let status = 0;
  let retryAfter;
  let done = false;
  const onAbort = () => controller.abort();
  // Exactly once, whatever throws where.
  const end = (ended, value) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    dispatch(step, ended, status, retryAfter, value);
  };
  const failed = (reason) => end(signal?.aborted ? ABORTED : controller?.signal.aborted ? TIMED_OUT : FAILED, reason);
  const onResponse = (response) => {
    if (!(response instanceof Response)) return end(NOT_A_RESPONSE);
    status = response.status;
    if (status < 200 || status > 299) retryAfter = response.headers.get('retry-after') ?? undefined;
    started(() => response.arrayBuffer()).then((buffer) => end(ANSWERED, buffer), failed);
  };
  try {
    controller = new AbortController();
    timer = setTimeout(timeUp, timeoutMs, controller);
    signal?.addEventListener('abort', onAbort);
  } catch (error) {
    return failed(error);
  }
  started(() => fetch(url, { method, headers, body, signal: controller.signal })).then((response) => {
    try {
      onResponse(response);
    } catch (error) {
      failed(error);
    }
  }, failed);
}

// Waits `ms`, or less when the caller's `signal` (or undefined) aborts first;
// then `dispatch(step, WAITED)`. Never throws.
export function wait(ms, signal, dispatch, step) {
  let timer;
  const end = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', end);
    dispatch(step, WAITED, 0, undefined, undefined);
  };
  timer = setTimeout(end, ms);
  signal?.addEventListener('abort', end);
}
