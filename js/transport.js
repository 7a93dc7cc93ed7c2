// The JS half of src/transport.rs: what the Rust side calls to send a request
// and to wait for a promise. Each is one call from wasm where the same work
// through generated bindings took several (an object, four property sets,
// fetch, then, a closure); on a path that runs cold between network events,
// every call across costs about a microsecond.
//
// A step is a plain number (the address of a Rust step); `dispatch` is the
// client's one wasm function that runs it. Each step is passed to
// `dispatch` exactly once: that frees it.

// Runs `dispatch(step, true, value)` or `dispatch(step, false, reason)` when
// `promise` settles.
export function settle(promise, dispatch, step) {
  promise.then(
    (value) => dispatch(step, true, value),
    (reason) => dispatch(step, false, reason),
  );
}

// The promise `start()` returns, or a rejected one when it throws instead.
function started(start) {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}

// `fetch(url, init)` with the parts Rust built (`headers` is an object made
// once per client), aborted through `controller`; then `settle`.
export function send(url, method, headers, body, controller, dispatch, step) {
  const fetched = started(() => fetch(url, { method, headers, body, signal: controller.signal }));
  settle(fetched, dispatch, step);
}

// `response.arrayBuffer()`, then `settle`.
export function readBody(response, dispatch, step) {
  settle(started(() => response.arrayBuffer()), dispatch, step);
}
