//! The only module that touches the runtime: the global `fetch` (called
//! directly, never through `window`, so Node, browsers and workerd all work),
//! the `AbortController` behind timeouts and the caller's signal, timers, the
//! clock and randomness. It never calls `window`.
//!
//! Its JS half, `js/transport.js`, makes a call's promise, runs one attempt
//! (fetch, timeout, the caller's abort, the body) or one wait from the parts
//! built here, and reports how it ended to a [`Step`] with one call back
//! into wasm. What the step returns settles the promise, so a call needs no
//! Rust closure to make its promise and no call out to settle it.
//!
//! Why the attempt runs in JS: driven from here, an attempt took about a dozen
//! calls across (the controller, the timer, `fetch`, the status, the body,
//! `clearTimeout`) and a call back per settled promise, and needed Rust types
//! for the timer, the abort listener and their closures. Measured: the same
//! call time, and a .wasm 1.2 KB gzip smaller.
//!
//! Every runtime times an attempt out through public APIs only: an
//! `AbortController` and a timer (browsers: `AbortSignal.timeout()`), whose
//! signal `fetch` gets. In Node 20 `fetch` following a signal costs a plain
//! `fetch` a few % of a num=5 call; `make bench` compares the package with a
//! plain `fetch` that pays the same, as a user's own client with a timeout
//! would.

use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::params::ClientConfig;
use crate::prelude::*;
use crate::request;
use js_sys::{Function, JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// One attempt of `call`: `fetch(url, { method, headers, body, signal,
    /// redirect: 'manual' })` (the global `fetch`, never `window.fetch`;
    /// `body` undefined for a GET), aborted after
    /// `timeout_ms` or by the caller's `signal`, then the body; then
    /// `dispatch(step, ...)` once, with how it ended (see [`Ended`]). With
    /// no `call` yet, it starts one: makes the call's promise, returned
    /// here, which settles with what the call's last step returns. The body
    /// goes as a string: Node's `fetch` (undici) takes a string as it is,
    /// where a byte view is checked and copied twice (about 2% of a num=5
    /// call in Node).
    #[allow(clippy::too_many_arguments)]
    fn attempt(
        call: Option<&JsValue>,
        url: &JsString,
        method: &JsValue,
        headers: &Object,
        body: Option<&str>,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
        dispatch: &Function,
        step: usize,
    ) -> JsValue;
    /// Waits `ms`, or less when `signal` aborts first; then `dispatch(step, ...)`.
    fn wait(
        call: &JsValue,
        ms: f64,
        signal: Option<&AbortSignal>,
        dispatch: &Function,
        step: usize,
    );
}

/// How an attempt or a wait ended, as `js/transport.js` reports it: the
/// `ended` number (the same in both files), with the status, the
/// `Retry-After` header and a value.
pub enum Ended {
    /// An answer came (0; 6 when it said `x-should-retry: false`): its
    /// status, its `Retry-After` (read only for a non-2xx status) and its
    /// body, an `ArrayBuffer` or (in Node) a string, with its size.
    Answered {
        /// Whether the answer allows a retry: false when a non-2xx answer
        /// said `x-should-retry: false` (a proxy that has retried already).
        may_retry: bool,
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header, when present on a non-2xx answer.
        retry_after: Option<String>,
        /// The body: an `ArrayBuffer`, or its text (see
        /// `tuneForNode` in js/transport.js).
        body: JsValue,
        /// The body's size: an `ArrayBuffer`'s in bytes, a string's in
        /// UTF-16 units; 0 when it is neither.
        size: u32,
    },
    /// The caller's signal aborted the attempt (1).
    Aborted,
    /// The timeout aborted the attempt (2).
    TimedOut,
    /// The network or the runtime failed (3): the reason it gave.
    Failed(JsValue),
    /// `fetch` resolved to something that is not a `Response` (4).
    NotAResponse,
    /// A wait ended (5), at its timer or at the caller's abort.
    Waited,
    /// A redirect whose status the runtime hides (7): a browser's opaque
    /// redirect, as `redirect: 'manual'` gives.
    Redirected,
}

impl Ended {
    fn from_js(
        ended: u32,
        status: u16,
        retry_after: Option<String>,
        value: JsValue,
        size: u32,
    ) -> Self {
        match ended {
            0 | 6 => Ended::Answered {
                may_retry: ended == 0,
                status,
                retry_after,
                body: value,
                size,
            },
            1 => Ended::Aborted,
            2 => Ended::TimedOut,
            4 => Ended::NotAResponse,
            5 => Ended::Waited,
            7 => Ended::Redirected,
            _ => Ended::Failed(value),
        }
    }

    /// The error of an attempt that ended without an answer. (An answer or
    /// a wait has none; were one passed here, it would be a network error
    /// rather than a call that never settles.)
    #[inline(never)]
    pub fn into_error(self, timeout_ms: u32) -> Error {
        match self {
            Ended::Aborted => Error::Aborted,
            Ended::TimedOut => Error::Timeout { timeout_ms },
            Ended::Failed(reason) => network(describe(&reason)),
            Ended::NotAResponse => {
                network("fetch resolved to something that is not a Response".into())
            }
            Ended::Redirected => Error::Redirect { status: None },
            Ended::Answered { .. } | Ended::Waited => {
                network("the attempt ended without an answer".into())
            }
        }
    }
}

/// What every request of one client shares, made into JS values once when
/// the client is made: the URLs, the methods and the headers (which hold
/// the key; js/transport.js may send them in another form, see `headersFor`).
/// A call then only sends its body across.
pub struct Fetcher {
    /// The URL of each lookup, in the order of [`Endpoint::ALL`], then the
    /// balance's.
    urls: [JsString; 5],
    post: JsValue,
    get: JsValue,
    headers: Object,
    /// Runs a [`Step`] with how its attempt or wait ended; one for all calls.
    dispatch: Closure<Dispatch>,
}

impl Fetcher {
    /// The JS forms of [`request::url`], [`request::credits_url`], the
    /// methods and [`request::headers`] for `config`.
    pub fn new(config: &ClientConfig) -> Self {
        let headers = Object::new();
        for (name, value) in request::headers(config) {
            let _ = js_sys::Reflect::set(
                &headers,
                &JsValue::from_str(name),
                &JsValue::from_str(&value),
            );
        }
        let url = |endpoint| JsString::from(request::url(config, endpoint));
        Fetcher {
            urls: [
                url(Endpoint::Page),
                url(Endpoint::UniquePage),
                url(Endpoint::Domain),
                url(Endpoint::UniqueDomain),
                JsString::from(request::credits_url(config)),
            ],
            post: JsValue::from_str(Endpoint::Page.method()),
            get: JsValue::from_str(request::CREDITS_METHOD),
            headers,
            dispatch: Closure::new(
                |step: usize,
                 ended: u32,
                 status: u16,
                 retry_after: Option<String>,
                 value,
                 size: u32,
                 call| {
                    // SAFETY: `step` is the address `Step::into_raw` leaked,
                    // and js/transport.js passes each address back exactly once.
                    let next = unsafe { Box::from_raw(step as *mut Next) };
                    let ended = Ended::from_js(ended, status, retry_after, value, size);
                    match next(ended, CallHandle(call)) {
                        None => JsValue::UNDEFINED,
                        Some(Ok(result)) => result,
                        Some(Err(error)) => error.into(),
                    }
                },
            ),
        }
    }

    /// The JS function that runs a [`Step`].
    fn dispatch(&self) -> &Function {
        self.dispatch.as_ref().unchecked_ref()
    }

    /// The URL and method of a lookup at `endpoint`, or of the balance.
    fn route(&self, endpoint: Option<Endpoint>) -> (&JsString, &JsValue) {
        let (index, method) = match endpoint {
            Some(e) => (e.index(), &self.post),
            None => (Endpoint::ALL.len(), &self.get),
        };
        // Always in range; `get` rather than indexing, whose panic path
        // would link `core::fmt`.
        let url = self.urls.get(index).unwrap_or(&self.urls[0]);
        (url, method)
    }

    /// Starts a call: sends its first request to `endpoint` with `body` (or
    /// to the balance, with `None` for both), to be answered within
    /// `timeout_ms`; the caller's `signal` aborts it at any point. `step`
    /// runs once, with how it ended; the promise settles with what the
    /// call's last step returns.
    pub fn start(
        &self,
        endpoint: Option<Endpoint>,
        body: Option<&str>,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
        step: Step,
    ) -> Promise {
        self.send(None, endpoint, body, timeout_ms, signal, step)
            .unchecked_into()
    }

    /// Sends another request of `call`, as [`Fetcher::start`] sent the first.
    pub fn attempt(
        &self,
        call: &CallHandle,
        endpoint: Option<Endpoint>,
        body: Option<&str>,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
        step: Step,
    ) {
        self.send(Some(call), endpoint, body, timeout_ms, signal, step);
    }

    /// One attempt of `call`, or of a new call (whose promise it returns).
    fn send(
        &self,
        call: Option<&CallHandle>,
        endpoint: Option<Endpoint>,
        body: Option<&str>,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
        step: Step,
    ) -> JsValue {
        let (url, method) = self.route(endpoint);
        // fetch(url, init), not fetch(new Request(...)): no Request object to
        // clone (undici clones it) and none whose collection would cut the
        // signal off from the fetch mid-body in Node (undici#4068).
        attempt(
            call.map(|call| &call.0),
            url,
            method,
            &self.headers,
            body,
            timeout_ms,
            signal,
            self.dispatch(),
            step.into_raw(),
        )
    }

    /// Waits `ms` before the next attempt of `call`, or less when `signal`
    /// aborts; then runs `step` with [`Ended::Waited`].
    pub fn wait(&self, call: &CallHandle, ms: f64, signal: Option<&AbortSignal>, step: Step) {
        wait(&call.0, ms, signal, self.dispatch(), step.into_raw());
    }
}

/// A call's side in JS: the object `attempt` in js/transport.js made with the
/// call's `resolve` and `reject`. Each later attempt or wait of the call
/// gets it, and what the step it runs returns settles the call.
pub struct CallHandle(JsValue);

/// What a step returns: `None` while another attempt or wait of the call is
/// under way, else what settles the call's promise (a result resolves it, an
/// error rejects it).
pub type Outcome = Option<Result<JsValue, Error>>;

/// `dispatch(step, ended, status, retryAfter, value, size, call)`, as
/// js/transport.js calls it; returns what settles the call, or undefined.
type Dispatch = dyn FnMut(usize, u32, u16, Option<String>, JsValue, u32, JsValue) -> JsValue;

/// What a [`Step`] does with how its attempt or wait ended.
type Next = Box<dyn FnOnce(Ended, CallHandle) -> Outcome>;

/// A step of a call: what runs, with its state, when the attempt or wait it
/// waits on ends: `next(state, ended, call)`.
///
/// This is how a call waits, instead of an async executor: the step goes to
/// JS as a plain address, and the client's one `dispatch` function runs it.
/// No JS function is made per wait (a wasm-bindgen closure per wait, each
/// registered for finalization, cost more than the rest of a call's
/// crossings together), and there is no task queue or waker in between.
pub struct Step(Next);

impl Step {
    /// A step that calls `next(state, ended, call)`.
    pub fn new<T: 'static>(state: T, next: fn(T, Ended, CallHandle) -> Outcome) -> Self {
        Step(Box::new(move |ended, call| next(state, ended, call)))
    }

    /// Leaks the step as an address for JS; `dispatch` takes it back. Every
    /// attempt and wait ends (the timeout aborts a request, a wait ends at
    /// its timer), and js/transport.js reports each exactly once.
    fn into_raw(self) -> usize {
        Box::into_raw(Box::new(self.0)) as usize
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A number uniform in `[0, 1)`.
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// A network error of one attempt (the retry loop sets the final count).
fn network(detail: String) -> Error {
    Error::NetworkError {
        detail,
        attempts: 1,
    }
}

/// A JS exception in words: `name: message` for errors, else its string form.
fn describe(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => text!(String::from(err.name()), ": ", String::from(err.message())),
        None => e.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}
