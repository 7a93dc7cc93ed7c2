//! The only module that touches the runtime: the global `fetch` (called
//! directly, never through `window`, so Node, browsers and workerd all work), the
//! `AbortController` behind timeouts and the caller's signal, timers, the
//! clock and randomness. It never calls `window`.
//!
//! Its JS half, `js/transport.js`, makes the `fetch` call from the parts
//! built here and hands settled promises back as [`Step`]s.
//!
//! Measured in Node 20, for what a timeout costs: the first read of
//! `controller.signal` creates the `AbortSignal` (about 8 µs on a cold path),
//! and `fetch` then listens to it. A plain `fetch` without a timeout pays
//! neither.

use crate::error::Error;
use crate::params::ClientConfig;
use crate::prelude::*;
use crate::request::{self, Endpoint};
use js_sys::{Function, JsString, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    /// `setTimeout(handler, ms, controller)`: the handler gets the controller.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with(handler: &Function, ms: f64, controller: &AbortController) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// `promise.then((v) => dispatch(step, true, v), (e) => dispatch(step, false, e))`.
    fn settle(promise: &Promise, dispatch: &Function, step: usize);
    /// The global `fetch` (never `window.fetch`: Node, browsers and workerd
    /// alike) of `url` with `{ method, headers, body, signal }`, then `settle`.
    /// The body goes as a string. Node's `fetch` (undici) takes a string as
    /// it is, where a byte view is checked and copied twice: measured, about
    /// 2% of a num=5 call in Node.
    fn send(
        url: &JsString,
        method: &JsValue,
        headers: &Object,
        body: &str,
        controller: &AbortController,
        dispatch: &Function,
        step: usize,
    );
    /// `response.arrayBuffer()`, then `settle`.
    #[wasm_bindgen(js_name = readBody)]
    fn read_body(response: &Response, dispatch: &Function, step: usize);
}

/// What every request of one client shares, made into JS values once when
/// the client is made: the two URLs, the method, the headers (which hold the
/// key) and the timeout's handler. A call then only sends its body across.
pub struct Fetcher {
    page_url: JsString,
    unique_url: JsString,
    method: JsValue,
    headers: Object,
    /// Aborts the controller `setTimeout` passes it; one for all calls.
    abort: Closure<dyn FnMut(AbortController)>,
    /// Runs a [`Step`] with what its promise settled with; one for all calls.
    dispatch: Closure<dyn FnMut(usize, bool, JsValue)>,
}

impl Fetcher {
    /// The JS forms of [`request::url`], [`request::METHOD`] and
    /// [`request::headers`] for `config`.
    pub fn new(config: &ClientConfig) -> Self {
        let headers = Object::new();
        for (name, value) in request::headers(config) {
            let _ = js_sys::Reflect::set(
                &headers,
                &JsValue::from_str(name),
                &JsValue::from_str(&value),
            );
        }
        Fetcher {
            page_url: JsString::from(request::url(config, Endpoint::Page)),
            unique_url: JsString::from(request::url(config, Endpoint::Unique)),
            method: JsValue::from_str(request::METHOD),
            headers,
            abort: Closure::new(|controller: AbortController| controller.abort()),
            dispatch: Closure::new(|step: usize, fulfilled: bool, value: JsValue| {
                // SAFETY: `step` is the address `Step::new` leaked, and
                // js/transport.js passes each address back exactly once.
                let next = unsafe { Box::from_raw(step as *mut Next) };
                next(if fulfilled { Ok(value) } else { Err(value) });
            }),
        }
    }

    /// The JS function that runs a [`Step`].
    fn dispatch(&self) -> &Function {
        self.dispatch.as_ref().unchecked_ref()
    }

    /// Runs `step` when `promise` settles.
    pub fn when_settled(&self, promise: &Promise, step: Step) {
        settle(promise, self.dispatch(), step.into_raw());
    }

    /// Reads the body of `response`, then runs `step`.
    pub fn read_body(&self, response: &Response, step: Step) {
        read_body(response, self.dispatch(), step.into_raw());
    }
}

/// What a [`Step`] does with the outcome of the promise it waits on.
type Next = Box<dyn FnOnce(Result<JsValue, JsValue>)>;

/// A step of a call: what runs, with its state, when the promise it waits on
/// settles: `next(state, Ok(value))` or `next(state, Err(reason))`.
///
/// This is how a call waits, instead of an async executor: the step goes to
/// JS as a plain address, and the client's one `dispatch` function runs it.
/// No JS function is made per wait (a wasm-bindgen closure per wait, each
/// registered for finalization, cost more than the rest of a call's
/// crossings together), and there is no task queue or waker in between.
pub struct Step(Next);

impl Step {
    /// A step that calls `next(state, outcome)`.
    pub fn new<T: 'static>(state: T, next: fn(T, Result<JsValue, JsValue>)) -> Self {
        Step(Box::new(move |outcome| next(state, outcome)))
    }

    /// Leaks the step as an address for JS; `dispatch` takes it back. A
    /// step whose promise never settled would stay leaked, but every
    /// promise a call waits on settles: the timeout aborts a request, and a
    /// pause ends at its timer.
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

/// Calls `on_abort` when `signal` aborts; stops listening when dropped.
struct AbortWatch {
    signal: AbortSignal,
    listener: Closure<dyn FnMut()>,
}

impl AbortWatch {
    fn new(signal: &AbortSignal, on_abort: impl FnMut() + 'static) -> Self {
        let listener = Closure::<dyn FnMut()>::new(on_abort);
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        AbortWatch {
            signal: signal.clone(),
            listener,
        }
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}

/// A pending `setTimeout`; cleared when dropped.
struct Timer {
    handle: JsValue,
    /// The handler, when the timer owns it.
    _callback: Option<Closure<dyn FnMut()>>,
}

impl Timer {
    /// Runs `on_fire` once after `ms`.
    fn new(ms: f64, on_fire: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(on_fire);
        let handle = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Timer {
            handle,
            _callback: Some(callback),
        }
    }

    /// Aborts `controller` after `ms`, with the fetcher's shared handler.
    fn abort_after(fetcher: &Fetcher, ms: f64, controller: &AbortController) -> Self {
        let handle = set_timeout_with(fetcher.abort.as_ref().unchecked_ref(), ms, controller);
        Timer {
            handle,
            _callback: None,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// One request in flight: its `AbortController`, the timeout that aborts
/// it, and the link from the caller's signal. Dropping it clears the timer
/// and the listener.
pub struct Attempt {
    controller: AbortController,
    timeout_ms: u32,
    _timer: Timer,
    _watch: Option<AbortWatch>,
}

/// What `fetch` resolved to, before its body is read.
pub struct Head {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, when present; read only for non-2xx answers.
    pub retry_after: Option<String>,
    /// The response, whose body [`Fetcher::read_body`] reads.
    pub response: Response,
}

impl Attempt {
    /// Sends one request to `endpoint` with `body`, to be answered within
    /// `timeout_ms`; the caller's `signal` aborts it at any point. `then`
    /// makes, from the attempt (which it keeps until the attempt ends), the
    /// [`Step`] that gets what `fetch` settled with.
    pub fn send(
        fetcher: &Fetcher,
        endpoint: Endpoint,
        body: &str,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
        then: impl FnOnce(Attempt) -> Step,
    ) -> Result<(), Error> {
        let controller =
            AbortController::new().map_err(|_| network("AbortController is missing".into()))?;
        let url = match endpoint {
            Endpoint::Page => &fetcher.page_url,
            Endpoint::Unique => &fetcher.unique_url,
        };
        let attempt = Attempt {
            _timer: Timer::abort_after(fetcher, timeout_ms as f64, &controller),
            _watch: signal.map(|s| {
                let controller = controller.clone();
                AbortWatch::new(s, move || controller.abort())
            }),
            controller: controller.clone(),
            timeout_ms,
        };
        // fetch(url, init), not fetch(new Request(...)): no Request object to
        // clone (undici clones it) and none whose collection would cut the
        // signal off from the fetch mid-body in Node (undici#4068).
        let step = then(attempt).into_raw();
        let dispatch = fetcher.dispatch();
        send(
            url,
            &fetcher.method,
            &fetcher.headers,
            body,
            &controller,
            dispatch,
            step,
        );
        Ok(())
    }

    /// Status and `Retry-After` from what `fetch` settled with.
    pub fn head(
        &self,
        outcome: Result<JsValue, JsValue>,
        signal: Option<&AbortSignal>,
    ) -> Result<Head, Error> {
        let response: Response = outcome
            .map_err(|e| self.failure(&e, signal))?
            .dyn_into()
            .map_err(|_| network("fetch resolved to something that is not a Response".into()))?;
        let status = response.status();
        let retry_after = if (200..300).contains(&status) {
            None
        } else {
            response.headers().get("retry-after").ok().flatten()
        };
        Ok(Head {
            status,
            retry_after,
            response,
        })
    }

    /// The body's bytes from what `arrayBuffer()` settled with.
    pub fn body(
        &self,
        outcome: Result<JsValue, JsValue>,
        signal: Option<&AbortSignal>,
    ) -> Result<Uint8Array, Error> {
        outcome
            .map(|buffer| Uint8Array::new(&buffer))
            .map_err(|e| self.failure(&e, signal))
    }

    /// Which of the three ended the attempt with `reason`: the caller, the
    /// timer (the only other thing that aborts the controller), or the network.
    fn failure(&self, reason: &JsValue, signal: Option<&AbortSignal>) -> Error {
        if signal.is_some_and(AbortSignal::aborted) {
            Error::Aborted
        } else if self.controller.signal().aborted() {
            Error::Timeout {
                timeout_ms: self.timeout_ms,
            }
        } else {
            network(describe(reason))
        }
    }
}

/// A network error of one attempt (the retry loop sets the final count).
fn network(detail: String) -> Error {
    Error::NetworkError {
        detail,
        attempts: 1,
    }
}

/// The wait between two attempts: a timer, and a listener that ends the
/// wait early when the caller's signal aborts. Dropping it clears both.
pub struct Pause {
    _timer: Timer,
    _watch: Option<AbortWatch>,
}

impl Pause {
    /// A wait of `ms`, and the promise that resolves when it ends (at the
    /// timer or at the caller's abort).
    pub fn start(ms: f64, signal: Option<&AbortSignal>) -> (Option<Pause>, Promise) {
        let mut pause = None;
        let promise = Promise::new(&mut |resolve: Function, _reject| {
            let on_abort = resolve.clone();
            pause = Some(Pause {
                _timer: Timer::new(ms, move || {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }),
                _watch: signal.map(|s| {
                    AbortWatch::new(s, move || {
                        let _ = on_abort.call0(&JsValue::UNDEFINED);
                    })
                }),
            });
        });
        // `Promise::new` runs its executor before it returns, so `pause` is
        // always set; were it not, not waiting is the harmless way out.
        match pause {
            Some(pause) => (Some(pause), promise),
            None => (None, Promise::resolve(&JsValue::UNDEFINED)),
        }
    }
}

/// A JS exception in words: `name: message` for errors, else its string form.
fn describe(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => text!(String::from(err.name()), ": ", String::from(err.message())),
        None => e.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}
