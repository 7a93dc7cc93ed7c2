//! One backlinks call from start to end: send the request, classify the
//! answer, and retry what may succeed on another attempt.
//!
//! A call is a small state machine rather than an `async fn` on an executor:
//! each attempt and each wait between two attempts runs in the JS half of
//! [`transport`], and the call's next step is a plain function that runs when
//! it ends. That spares the .wasm the executor and the generated future.

use crate::error::Error;
use crate::js_values::{backlinks_result, TextDecoder};
use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::request::{self, Endpoint};
use crate::response::classify;
use crate::retry::{delay_ms, parse_retry_after};
use crate::transport::{self, now_ms, random, Ended, Step};
use alloc::rc::Rc;
use core::cell::Cell;
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// What one `BacklinksClient` keeps between calls.
pub struct Client {
    /// The checked options.
    pub config: ClientConfig,
    /// Decodes answer bodies for the host's `JSON.parse`.
    pub decoder: TextDecoder,
    /// The JS values every request of this client shares.
    pub fetcher: transport::Fetcher,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Self {
        Client {
            fetcher: transport::Fetcher::new(&config),
            decoder: TextDecoder::new(),
            config,
        }
    }
}

/// One call in flight. The step of its attempt or wait holds it; when the
/// call has settled its promise, nothing does, and it is dropped.
struct Call {
    client: Rc<Client>,
    endpoint: Endpoint,
    body: String,
    signal: Option<AbortSignal>,
    resolve: Function,
    reject: Function,
    /// Retries made so far.
    retry: Cell<u32>,
}

type Shared = Rc<Call>;

/// Runs `query`, retrying 429, 5xx and network errors up to
/// `config.max_retries` times. The promise resolves to the result object or
/// rejects with a `KeywordsEverywhereError`.
pub fn run(client: Rc<Client>, query: &Query, signal: Option<AbortSignal>) -> Promise {
    let body = request::body(query);
    let mut parts = Some((client, body, signal));
    Promise::new(&mut |resolve, reject| {
        if let Some((client, body, signal)) = parts.take() {
            send(Rc::new(Call {
                client,
                endpoint: query.endpoint,
                body,
                signal,
                resolve,
                reject,
                retry: Cell::new(0),
            }));
        }
    })
}

/// Starts an attempt.
fn send(call: Shared) {
    call.client.fetcher.attempt(
        call.endpoint,
        &call.body,
        call.client.config.timeout_ms,
        call.signal.as_ref(),
        Step::new(call.clone(), on_attempt),
    );
}

/// The attempt ended: classify the answer and finish, or retry.
fn on_attempt(call: Shared, ended: Ended) {
    let (status, retry_after, body) = match ended {
        Ended::Answered {
            status,
            retry_after,
            body,
        } => (status, retry_after, body),
        other => {
            let error = other.into_error(call.client.config.timeout_ms);
            return failed(call, error, None);
        }
    };
    let retry_after = retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, now_ms()));
    let body = Uint8Array::new(&body);
    let bytes = copy_bytes(&body);
    let shape = match classify(status, &bytes, retry_after) {
        Ok(shape) => shape,
        Err(error) => return failed(call, error, retry_after),
    };
    drop(bytes);
    let result = backlinks_result(&call.client.decoder, status, &body, &shape);
    finish(&call, result);
}

/// An attempt failed with `error`: wait and try again when that may help,
/// else end the call. `retry_after` is the server's, in seconds.
fn failed(call: Shared, error: Error, retry_after: Option<f64>) {
    let retry = call.retry.get();
    let may_retry = error.is_retryable() && retry < call.client.config.max_retries;
    let wait = may_retry
        .then(|| delay_ms(retry, retry_after, random()))
        .flatten();
    let error = match (wait, error) {
        (Some(ms), _) => return pause(call, ms),
        (None, Error::NetworkError { detail, .. }) => Error::NetworkError {
            detail,
            attempts: retry + 1,
        },
        (None, error) => error,
    };
    finish(&call, Err(error));
}

/// Waits `ms` before the next attempt, unless the caller aborts first.
fn pause(call: Shared, ms: f64) {
    if aborted(&call) {
        return finish(&call, Err(Error::Aborted));
    }
    call.client
        .fetcher
        .wait(ms, call.signal.as_ref(), Step::new(call.clone(), on_paused));
}

/// The wait ended: at its timer (next attempt) or at the caller's abort.
fn on_paused(call: Shared, _: Ended) {
    call.retry.set(call.retry.get() + 1);
    if aborted(&call) {
        finish(&call, Err(Error::Aborted));
    } else {
        send(call);
    }
}

/// Whether the caller's signal has aborted.
fn aborted(call: &Call) -> bool {
    call.signal.as_ref().is_some_and(AbortSignal::aborted)
}

/// Settles the call's promise.
fn finish(call: &Call, result: Result<JsValue, Error>) {
    let _ = match result {
        Ok(value) => call.resolve.call1(&JsValue::UNDEFINED, &value),
        Err(error) => call
            .reject
            .call1(&JsValue::UNDEFINED, &JsValue::from(error)),
    };
}

/// The bytes of `array`, copied into wasm memory. `Uint8Array::to_vec`
/// would do, but its length `assert_eq!` links the panic formatting code.
fn copy_bytes(array: &Uint8Array) -> Vec<u8> {
    let len = array.length() as usize;
    let mut bytes = Vec::with_capacity(len);
    // SAFETY: the view covers exactly the `len` bytes of spare capacity, and
    // nothing allocates (which could move or grow memory) before `set` has
    // filled them; only then is the length set.
    unsafe {
        Uint8Array::view_mut_raw(bytes.as_mut_ptr(), len).set(array, 0);
        bytes.set_len(len);
    }
    bytes
}
