//! One call from start to end (a lookup, a lookup for a proxy, or the
//! balance): send the request, classify the answer, and retry what may
//! succeed on another attempt.
//!
//! A call is a small state machine rather than an `async fn` on an executor:
//! each attempt and each wait between two attempts runs in the JS half of
//! [`transport`], and the call's next step is a plain function that runs when
//! it ends. That spares the .wasm the executor and the generated future.

use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::js_values::{backlinks_result, balance_result, body_bytes, body_result};
use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::request;
use crate::response::{classify, classify_balance};
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

/// What a call asks for, and so what its promise resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// A lookup's result object, `{ data, credits_consumed, time_taken }`.
    Backlinks,
    /// A lookup's checked body as text, with its credits (`lookupBody`).
    Body,
}

/// One call in flight. The step of its attempt or wait holds it; when the
/// call has settled, nothing does, and it is dropped.
struct Call {
    client: Rc<Client>,
    /// The lookup and what it resolves to, or `None` for the balance.
    lookup: Option<(Endpoint, Ask)>,
    /// The form body of a lookup; `None` for the balance.
    body: Option<String>,
    signal: Option<AbortSignal>,
    /// Retries made so far.
    retry: Cell<u32>,
}

type Shared = Rc<Call>;

/// Runs `query`, retrying 429, 5xx and network errors up to
/// `config.max_retries` times. The promise resolves to what `ask` asks for
/// or rejects with a `KeywordsEverywhereError`.
pub fn run(client: Rc<Client>, query: &Query, ask: Ask, signal: Option<AbortSignal>) -> Promise {
    begin(
        client,
        Some((query.endpoint, ask)),
        Some(request::body(query)),
        signal,
    )
}

/// Asks for the balance, with the retries of a lookup; the promise resolves
/// to a number.
pub fn run_balance(client: Rc<Client>, signal: Option<AbortSignal>) -> Promise {
    begin(client, None, None, signal)
}

/// Starts a call.
fn begin(
    client: Rc<Client>,
    lookup: Option<(Endpoint, Ask)>,
    body: Option<String>,
    signal: Option<AbortSignal>,
) -> Promise {
    let call = Rc::new(Call {
        client,
        lookup,
        body,
        signal,
        retry: Cell::new(0),
    });
    call.client.fetcher.start(
        call.endpoint(),
        call.body.as_deref(),
        call.client.config.timeout_ms,
        call.signal.as_ref(),
        Step::new(call.clone(), on_attempt),
    )
}

impl Call {
    /// The lookup's endpoint, or `None` for the balance.
    fn endpoint(&self) -> Option<Endpoint> {
        self.lookup.map(|(endpoint, _)| endpoint)
    }
}

/// Starts another attempt.
fn send(call: Shared, handle: &CallHandle) {
    call.client.fetcher.attempt(
        handle,
        call.endpoint(),
        call.body.as_deref(),
        call.client.config.timeout_ms,
        call.signal.as_ref(),
        Step::new(call.clone(), on_attempt),
    );
}

/// The attempt ended: classify the answer and finish, or retry.
fn on_attempt(call: Shared, ended: Ended, handle: CallHandle) -> Outcome {
    let (may_retry, status, retry_after, body, size) = match ended {
        Ended::Answered {
            may_retry,
            status,
            retry_after,
            body,
            size,
        } => (may_retry, status, retry_after, body, size),
        other => {
            let error = other.into_error(call.client.config.timeout_ms);
            return failed(call, error, None, true, handle);
        }
    };
    let retry_after = retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, now_ms()));
    let bytes = body_bytes(&call.client.memory, &body, size);
    let memory = &call.client.memory;
    let checked = match call.lookup {
        Some((_, Ask::Backlinks)) => match classify(status, &bytes, retry_after) {
            Ok(shape) => {
                // The copy goes before JSON.parse builds the objects.
                drop(bytes);
                backlinks_result(status, &body, memory, &shape)
            }
            Err(error) => Err(error),
        },
        Some((_, Ask::Body)) => classify(status, &bytes, retry_after)
            .and_then(|shape| body_result(status, &body, &bytes, &shape)),
        None => classify_balance(status, &bytes, retry_after)
            .and_then(|()| balance_result(status, &body)),
    };
    match checked {
        Ok(result) => Some(Ok(result)),
        Err(error) => failed(call, error, retry_after, may_retry, handle),
    }
}

/// An attempt failed with `error`: wait and try again when that may help
/// (and the answer, if any, allowed it: `may_retry`), else end the call.
/// `retry_after` is the server's, in seconds.
#[inline(never)]
fn failed(
    call: Shared,
    error: Error,
    retry_after: Option<f64>,
    may_retry: bool,
    handle: CallHandle,
) -> Outcome {
    let retry = call.retry.get();
    let may_retry = may_retry && error.is_retryable() && retry < call.client.config.max_retries;
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
