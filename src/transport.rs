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
use wasm_bindgen_futures::JsFuture;
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

/// A 2xx-or-not answer with its whole body read.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, when present; read only for non-2xx answers.
    pub retry_after: Option<String>,
    /// The body as a JS `Uint8Array` (for the host's JSON.parse).
    pub body: Uint8Array,
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

/// Sends one request to `endpoint` with `body` and reads the whole answer,
/// within `timeout_ms`. The caller's `signal` aborts the request at any point.
pub async fn send(
    fetcher: &Fetcher,
    endpoint: Endpoint,
    body: &str,
    timeout_ms: u32,
    signal: Option<&AbortSignal>,
) -> Result<Answer, Error> {
    let fail = |detail: String| Error::NetworkError {
        detail,
        attempts: 1,
    };
    let controller =
        AbortController::new().map_err(|_| fail("AbortController is missing".into()))?;
    let _timer = Timer::abort_after(fetcher, timeout_ms as f64, &controller);
    let _watch = signal.map(|s| {
        let controller = controller.clone();
        AbortWatch::new(s, move || controller.abort())
    });
    // Which of the three ended a failed attempt: the caller, the timer (the
    // only other thing that aborts the controller), or the network.
    let why = |detail: String| {
        if signal.is_some_and(AbortSignal::aborted) {
            Error::Aborted
        } else if controller.signal().aborted() {
            Error::Timeout { timeout_ms }
        } else {
            fail(detail)
        }
    };

    let init: FetchInit = Object::new().unchecked_into();
    init.set_method(&fetcher.method);
    init.set_headers(&fetcher.headers);
    init.set_body(body);
    init.set_signal(&controller.signal());
    let url = match endpoint {
        Endpoint::Page => &fetcher.page_url,
        Endpoint::Unique => &fetcher.unique_url,
    };
    // fetch(url, init), not fetch(new Request(...)): no Request object to clone
    // (undici clones it) and none whose collection would cut the signal off
    // from the fetch mid-body in Node (undici#4068).
    let response: Response = JsFuture::from(fetch_with_init(url, &init))
        .await
        .map_err(|e| why(describe(&e)))?
        .dyn_into()
        .map_err(|_| fail("fetch resolved to something that is not a Response".into()))?;
    let status = response.status();
    let retry_after = if (200..300).contains(&status) {
        None
    } else {
        response.headers().get("retry-after").ok().flatten()
    };
    let body = response.array_buffer().map_err(|e| why(describe(&e)))?;
    let body = JsFuture::from(body).await.map_err(|e| why(describe(&e)))?;
    Ok(Answer {
        status,
        retry_after,
        body: Uint8Array::new(&body),
    })
}

/// Waits `ms`, or fails with [`Error::Aborted`] as soon as `signal` aborts.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Error> {
    let mut settle: Option<(Function, Function)> = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    // `Promise::new` runs its executor before it returns, so `settle` is
    // always set. Were it not, retrying at once is the harmless way out
    // (and an `expect` would link the panic formatting code).
    let Some((resolve, reject)) = settle else {
        return Ok(());
    };
    let _timer = Timer::new(ms, move || {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    });
    let _watch = signal.map(|s| {
        AbortWatch::new(s, move || {
            let _ = reject.call0(&JsValue::UNDEFINED);
        })
    });
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(Error::Aborted);
    }
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|_| Error::Aborted)
}

/// A JS exception in words: `name: message` for errors, else its string form.
fn describe(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => text!(String::from(err.name()), ": ", String::from(err.message())),
        None => e.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}
