//! The only module that touches the runtime: the global `fetch` (bound
//! directly, never through `window`, so Node, browsers and workerd all work), the
//! `AbortController` behind timeouts and the caller's signal, timers, the
//! clock and randomness. It never calls `window`.

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
    /// The global `fetch` (never `window.fetch`): Node, browsers and workerd alike.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &JsString, init: &FetchInit) -> Promise;

    /// The `init` argument of `fetch`. Its fields are set by name in the
    /// generated glue, so no field name crosses from wasm on each call.
    #[wasm_bindgen(extends = Object)]
    type FetchInit;
    #[wasm_bindgen(method, setter)]
    fn set_method(this: &FetchInit, method: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_headers(this: &FetchInit, headers: &Object);
    #[wasm_bindgen(method, setter)]
    fn set_body(this: &FetchInit, body: &str);
    #[wasm_bindgen(method, setter)]
    fn set_signal(this: &FetchInit, signal: &AbortSignal);
}

#[wasm_bindgen(module = "/js/settle.js")]
extern "C" {
    /// `promise.then((v) => step(true, v), (e) => step(false, e))`.
    fn settle(promise: &Promise, step: &JsValue);
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
        }
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

/// Calls `next(state, outcome)` once `promise` settles, with `Ok(value)` or
/// `Err(reason)`. This is how a call waits, instead of an async executor:
/// one JS function per wait, which frees itself when `settle` calls it
/// (always exactly once), and no task queue or waker in between.
pub fn when_settled<T: 'static>(
    promise: &Promise,
    state: T,
    next: fn(T, Result<JsValue, JsValue>),
) {
    let step = Closure::once_into_js(move |fulfilled: bool, value: JsValue| {
        next(state, if fulfilled { Ok(value) } else { Err(value) })
    });
    settle(promise, &step);
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
    /// `response.arrayBuffer()`.
    pub body: Promise,
}

impl Attempt {
    /// Sends one request to `endpoint` with `body`, to be answered within
    /// `timeout_ms`; the caller's `signal` aborts it at any point. Returns
    /// the attempt and `fetch`'s promise.
    pub fn send(
        fetcher: &Fetcher,
        endpoint: Endpoint,
        body: &str,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
    ) -> Result<(Attempt, Promise), Error> {
        let controller =
            AbortController::new().map_err(|_| network("AbortController is missing".into()))?;
        let init: FetchInit = Object::new().unchecked_into();
        init.set_method(&fetcher.method);
        init.set_headers(&fetcher.headers);
        init.set_body(body);
        init.set_signal(&controller.signal());
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
            controller,
            timeout_ms,
        };
        // fetch(url, init), not fetch(new Request(...)): no Request object to
        // clone (undici clones it) and none whose collection would cut the
        // signal off from the fetch mid-body in Node (undici#4068).
        Ok((attempt, fetch_with_init(url, &init)))
    }

    /// Status, `Retry-After` and the body's promise from what `fetch` settled with.
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
        let body = response
            .array_buffer()
            .map_err(|e| self.failure(&e, signal))?;
        Ok(Head {
            status,
            retry_after,
            body,
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
