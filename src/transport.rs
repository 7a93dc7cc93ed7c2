//! The only module that touches the runtime: the global `fetch` (bound
//! directly, never through `window`, so Node, browsers and workerd all work), the
//! `AbortController` behind timeouts and the caller's signal, timers, the
//! clock and randomness. It never calls `window`.

use crate::error::Error;
use crate::prelude::*;
use crate::request::HttpRequest;
use alloc::rc::Rc;
use core::cell::Cell;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    /// The global `fetch` (never `window.fetch`): Node, browsers and workerd alike.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &RequestInit) -> Promise;
}

/// A 2xx-or-not answer with its whole body read.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, when present.
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

/// A timer that fires `on_fire` once; cleared when dropped.
struct Timer {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    fn new(ms: f64, on_fire: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(on_fire);
        let handle = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Timer {
            handle,
            _callback: callback,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// Sends `request` once and reads the whole body, within `timeout_ms`.
/// The caller's `signal` aborts the request at any point.
pub async fn send(
    request: &HttpRequest,
    timeout_ms: u32,
    signal: Option<&AbortSignal>,
) -> Result<Answer, Error> {
    let fail = |detail: String| Error::NetworkError {
        detail,
        attempts: 1,
    };
    let controller =
        AbortController::new().map_err(|_| fail("AbortController is missing".into()))?;
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        Timer::new(timeout_ms as f64, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let _watch = signal.map(|s| {
        let controller = controller.clone();
        AbortWatch::new(s, move || controller.abort())
    });
    // Which of the three ended a failed attempt: the caller, the timer, or the network.
    let why = |detail: String| {
        if signal.is_some_and(AbortSignal::aborted) {
            Error::Aborted
        } else if timed_out.get() {
            Error::Timeout { timeout_ms }
        } else {
            fail(detail)
        }
    };

    let init = RequestInit::new();
    init.set_method(request.method);
    let headers = Object::new();
    for (name, value) in &request.headers {
        let _ = Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        );
    }
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&request.body));
    init.set_signal(Some(&controller.signal()));
    // fetch(url, init), not fetch(new Request(...)): no Request object to clone
    // (undici clones it) and none whose collection would cut the signal off
    // from the fetch mid-body in Node (undici#4068).
    let response: Response = JsFuture::from(fetch_with_init(&request.url, &init))
        .await
        .map_err(|e| why(describe(&e)))?
        .dyn_into()
        .map_err(|_| fail("fetch resolved to something that is not a Response".into()))?;
    let status = response.status();
    let retry_after = response.headers().get("retry-after").ok().flatten();
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
    let (resolve, reject) = settle.expect("Promise::new runs its executor at once");
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
        Some(err) => format!("{}: {}", err.name(), err.message()),
        None => e.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}
