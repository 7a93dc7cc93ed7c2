//! One backlinks call from start to end: send the request, classify the
//! answer, and retry what may succeed on another attempt.
//!
//! A call is a small state machine rather than an `async fn` on an executor:
//! each attempt and each wait between two attempts runs in the JS half of
//! [`transport`], and the call's next step is a plain function that runs when
//! it ends. That spares the .wasm the executor and the generated future.

use crate::error::Error;
use crate::js_values::{backlinks_result, body_bytes};
use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::request::{self, Endpoint};
use crate::response::classify;
use crate::retry::{delay_ms, parse_retry_after};
use crate::transport::{self, now_ms, random, CallHandle, Ended, Outcome, Step};
use alloc::rc::Rc;
use core::cell::Cell;
use js_sys::Promise;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// What one `BacklinksClient` keeps between calls.
pub struct Client {
    /// The checked options.
    pub config: ClientConfig,
    /// The wasm memory, which answer bodies are copied into.
    pub memory: JsValue,
    /// The JS values every request of this client shares.
    pub fetcher: transport::Fetcher,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Self {
        Client {
            fetcher: transport::Fetcher::new(&config),
            memory: wasm_bindgen::memory(),
            config,
        }
    }
}

/// One call in flight. The step of its attempt or wait holds it; when the
/// call has settled, nothing does, and it is dropped.
struct Call {
    client: Rc<Client>,
    endpoint: Endpoint,
    body: String,
    signal: Option<AbortSignal>,
    /// Retries made so far.
    retry: Cell<u32>,
}

type Shared = Rc<Call>;

/// Runs `query`, retrying 429, 5xx and network errors up to
/// `config.max_retries` times. The promise resolves to the result object or
/// rejects with a `KeywordsEverywhereError`.
pub fn run(client: Rc<Client>, query: &Query, signal: Option<AbortSignal>) -> Promise {
    let call = Rc::new(Call {
        client,
        endpoint: query.endpoint,
        body: request::body(query),
        signal,
        retry: Cell::new(0),
    });
    call.client.fetcher.start(
        call.endpoint,
        &call.body,
        call.client.config.timeout_ms,
        call.signal.as_ref(),
        Step::new(call.clone(), on_attempt),
    )
}

/// Starts another attempt.
fn send(call: Shared, handle: &CallHandle) {
    call.client.fetcher.attempt(
        handle,
        call.endpoint,
        &call.body,
        call.client.config.timeout_ms,
        call.signal.as_ref(),
        Step::new(call.clone(), on_attempt),
    );
}

/// The attempt ended: classify the answer and finish, or retry.
fn on_attempt(call: Shared, ended: Ended, handle: CallHandle) -> Outcome {
    let (status, retry_after, body, size) = match ended {
        Ended::Answered {
            status,
            retry_after,
            body,
            size,
        } => (status, retry_after, body, size),
        other => {
            let error = other.into_error(call.client.config.timeout_ms);
            return failed(call, error, None, handle);
        }
    };
    let retry_after = retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, now_ms()));
    let bytes = body_bytes(&call.client.memory, &body, size);
    let shape = match classify(status, &bytes, retry_after) {
        Ok(shape) => shape,
        Err(error) => return failed(call, error, retry_after, handle),
    };
    drop(bytes);
    Some(backlinks_result(status, &body, &call.client.memory, &shape))
}

/// An attempt failed with `error`: wait and try again when that may help,
/// else end the call. `retry_after` is the server's, in seconds.
#[inline(never)]
fn failed(call: Shared, error: Error, retry_after: Option<f64>, handle: CallHandle) -> Outcome {
    let retry = call.retry.get();
    let may_retry = error.is_retryable() && retry < call.client.config.max_retries;
    let wait = may_retry
        .then(|| delay_ms(retry, retry_after, random()))
        .flatten();
    match (wait, error) {
        (Some(ms), _) => pause(call, ms, handle),
        (None, Error::NetworkError { detail, .. }) => Some(Err(Error::NetworkError {
            detail,
            attempts: retry + 1,
        })),
        (None, error) => Some(Err(error)),
    }
}

/// Waits `ms` before the next attempt, unless the caller aborts first.
fn pause(call: Shared, ms: f64, handle: CallHandle) -> Outcome {
    if aborted(&call) {
        return Some(Err(Error::Aborted));
    }
    let step = Step::new(call.clone(), on_paused);
    call.client
        .fetcher
        .wait(&handle, ms, call.signal.as_ref(), step);
    None
}

/// The wait ended: at its timer (next attempt) or at the caller's abort.
fn on_paused(call: Shared, _: Ended, handle: CallHandle) -> Outcome {
    call.retry.set(call.retry.get() + 1);
    if aborted(&call) {
        return Some(Err(Error::Aborted));
    }
    send(call, &handle);
    None
}

/// Whether the caller's signal has aborted.
fn aborted(call: &Call) -> bool {
    call.signal.as_ref().is_some_and(AbortSignal::aborted)
}
