//! One backlinks call from start to end: send the request, classify the
//! answer, and retry what may succeed on another attempt.
//!
//! A call is a small state machine driven by promise callbacks
//! ([`transport::when_settled`]) rather than an `async fn` on an executor:
//! each step (response, body, pause) is a plain function that runs when the
//! JS promise it waits on settles. That takes about half the JS↔wasm
//! crossings of awaiting a `JsFuture` and no task queue, and spares the
//! .wasm the executor and the generated future.

use crate::error::Error;
use crate::js_values::{backlinks_result, TextDecoder};
use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::request::{self, Endpoint};
use crate::response::classify;
use crate::retry::{delay_ms, parse_retry_after};
use crate::transport::{self, now_ms, random, Attempt, Head, Pause, Step};
use alloc::rc::Rc;
use core::cell::RefCell;
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

/// One call in flight. Each step holds it while it waits; when the call has
/// settled its promise, nothing does, and it is dropped.
struct Call {
    client: Rc<Client>,
    endpoint: Endpoint,
    body: String,
    signal: Option<AbortSignal>,
    resolve: Function,
    reject: Function,
    /// Retries made so far.
    retry: u32,
    /// The wait before the next attempt.
    pause: Option<Pause>,
}

type Shared = Rc<RefCell<Call>>;

/// What the steps of one attempt wait with.
struct InFlight {
    call: Shared,
    attempt: Attempt,
    /// Status and `Retry-After` (seconds) of the answer, once it came.
    answer: (u16, Option<f64>),
}

/// Runs `query`, retrying 429, 5xx and network errors up to
/// `config.max_retries` times. The promise resolves to the result object or
/// rejects with a `KeywordsEverywhereError`.
pub fn run(client: Rc<Client>, query: &Query, signal: Option<AbortSignal>) -> Promise {
    let body = request::body(query);
    let mut parts = Some((client, body, signal));
    Promise::new(&mut |resolve, reject| {
        if let Some((client, body, signal)) = parts.take() {
            send(Rc::new(RefCell::new(Call {
                client,
                endpoint: query.endpoint,
                body,
                signal,
                resolve,
                reject,
                retry: 0,
                pause: None,
            })));
        }
    })
}

/// Starts an attempt.
fn send(call: Shared) {
    let sent = {
        let c = call.borrow();
        Attempt::send(
            &c.client.fetcher,
            c.endpoint,
            &c.body,
            c.client.config.timeout_ms,
            c.signal.as_ref(),
            |attempt| {
                let in_flight = InFlight {
                    call: call.clone(),
                    attempt,
                    answer: (0, None),
                };
                Step::new(in_flight, on_response)
            },
        )
    };
    if let Err(error) = sent {
        failed(call, error, None);
    }
}

/// `fetch` settled: read the status, then wait for the body.
fn on_response(mut step: InFlight, outcome: Result<JsValue, JsValue>) {
    let head = {
        let signal = &step.call.borrow().signal;
        step.attempt.head(outcome, signal.as_ref())
    };
    match head {
        Ok(Head {
            status,
            retry_after,
            response,
        }) => {
            let retry_after = retry_after
                .as_deref()
                .and_then(|v| parse_retry_after(v, now_ms()));
            step.answer = (status, retry_after);
            let client = step.call.borrow().client.clone();
            client
                .fetcher
                .read_body(&response, Step::new(step, on_body));
        }
        Err(error) => {
            drop(step.attempt);
            failed(step.call, error, None);
        }
    }
}

/// The body arrived (or failed): classify the answer and finish or retry.
fn on_body(step: InFlight, outcome: Result<JsValue, JsValue>) {
    let InFlight {
        call,
        attempt,
        answer: (status, retry_after),
    } = step;
    let body = attempt.body(outcome, call.borrow().signal.as_ref());
    // The attempt ends here, and with it its timeout and abort listener.
    drop(attempt);
    let body = match body {
        Ok(body) => body,
        Err(error) => return failed(call, error, None),
    };
    let bytes = copy_bytes(&body);
    let shape = match classify(status, &bytes, retry_after) {
        Ok(shape) => shape,
        Err(error) => return failed(call, error, retry_after),
    };
    drop(bytes);
    let result = backlinks_result(&call.borrow().client.decoder, status, &body, &shape);
    finish(&call, result);
}

/// An attempt failed with `error`: wait and try again when that may help,
/// else end the call. `retry_after` is the server's, in seconds.
fn failed(call: Shared, error: Error, retry_after: Option<f64>) {
    let (wait, retry) = {
        let c = call.borrow();
        let may_retry = error.is_retryable() && c.retry < c.client.config.max_retries;
        let wait = may_retry
            .then(|| delay_ms(c.retry, retry_after, random()))
            .flatten();
        (wait, c.retry)
    };
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
    let signal = call.borrow().signal.clone();
    if signal.as_ref().is_some_and(AbortSignal::aborted) {
        return finish(&call, Err(Error::Aborted));
    }
    let (pause, ended) = Pause::start(ms, signal.as_ref());
    call.borrow_mut().pause = pause;
    let client = call.borrow().client.clone();
    client
        .fetcher
        .when_settled(&ended, Step::new(call, on_paused));
}

/// The pause ended: at the timer (next attempt) or at the caller's abort.
fn on_paused(call: Shared, _: Result<JsValue, JsValue>) {
    let aborted = {
        let mut c = call.borrow_mut();
        c.pause = None;
        c.retry += 1;
        c.signal.as_ref().is_some_and(AbortSignal::aborted)
    };
    if aborted {
        finish(&call, Err(Error::Aborted));
    } else {
        send(call);
    }
}

/// Settles the call's promise.
fn finish(call: &Shared, result: Result<JsValue, Error>) {
    let c = call.borrow();
    let _ = match result {
        Ok(value) => c.resolve.call1(&JsValue::UNDEFINED, &value),
        Err(error) => c.reject.call1(&JsValue::UNDEFINED, &JsValue::from(error)),
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
