// How the Rust side waits for a promise without an async executor
// (src/transport.rs, `when_settled`): `step` is a one-shot wasm closure that
// frees itself when called, so it must be called exactly once, either way.
export function settle(promise, step) {
  promise.then(
    (value) => step(true, value),
    (reason) => step(false, reason),
  );
}
