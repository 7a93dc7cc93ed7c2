//! Reading JS arguments into the pure [`Fields`], and building the JS result
//! from a checked body. The only places that look inside JS objects.

use crate::error::Error;
use crate::json::BacklinksShape;
use crate::params::{Fields, Value};
use crate::prelude::*;
use crate::words::contains_bytes;
use js_sys::{Array, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

// What can throw on an exotic argument (a Proxy, a revoked one, an object
// made from AbortSignal.prototype) is read through bindings that catch, so
// that such an argument gets an `invalid_argument` error, never a throw
// through wasm. (wasm-bindgen's own `instanceof` checks catch already.)
#[wasm_bindgen]
extern "C" {
    /// `Object.keys(object)`, or what a Proxy's `ownKeys` threw.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn own_keys(object: &JsValue) -> Result<Array, JsValue>;
    /// `Array.isArray(value)`, or the TypeError a revoked Proxy throws.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

// The body's text never enters wasm memory: js/values.js decodes and parses
// it with the host's TextDecoder and JSON.parse, and it stays a JS string
// (js-sys' and web-sys' bindings would copy it in and out as a Rust
// `String`, 2 x 2 MB at num=10000). Only its bytes come in, for the scanner.
#[wasm_bindgen(module = "/js/values.js")]
extern "C" {
    /// `signal.aborted`, or what the getter threw for an object that only
    /// inherits from `AbortSignal.prototype`.
    #[wasm_bindgen(js_name = abortedOf, catch)]
    fn aborted_of(signal: &AbortSignal) -> Result<bool, JsValue>;
    /// Copies the first `size` bytes of the `ArrayBuffer` `body` to `ptr`
    /// in the wasm `memory`; returns `size`, or 0 when `body` is shorter.
    #[wasm_bindgen(js_name = copyInto)]
    fn copy_into(memory: &JsValue, ptr: *mut u8, size: u32, body: &JsValue) -> u32;
    /// `{ data, credits_consumed, time_taken }` from a checked body, with
    /// the `fill` fields (item index, field number pairs) set to `""`;
    /// throws when the body is not JSON after all.
    #[wasm_bindgen(js_name = backlinksResult, catch)]
    fn result_of(body: &JsValue, fill: &[u32]) -> Result<JsValue, JsValue>;
}

/// Reads an options object into [`Fields`], and keeps its `signal` field
/// when that is an `AbortSignal` (reading each property once). `undefined`
/// is an empty object; anything else that is not a plain object is an error
/// naming `what`.
pub fn read_fields(
    value: &JsValue,
    what: &'static str,
) -> Result<(Fields, Option<AbortSignal>), Error> {
    if value.is_undefined() {
        return Ok((Fields::default(), None));
    }
    let listing_threw = || {
        Error::invalid(
            what,
            text!("Listing the fields of the ", what, " threw an exception."),
        )
    };
    if !value.is_object() || value.is_function() || is_array(value).map_err(|_| listing_threw())? {
        return Err(Error::invalid(
            what,
            text!(
                "The ",
                what,
                " must be an object such as ",
                if what == "options" {
                    "{ apiKey: \"...\" }"
                } else {
                    "{ page: \"https://example.com/\", num: 10 }"
                },
                "; got ",
                type_name(value),
                "."
            ),
        ));
    }
    let object: &Object = value.unchecked_ref();
    let mut entries = Vec::new();
    let mut signal = None;
    for key in own_keys(value).map_err(|_| listing_threw())?.iter() {
        let name = key.as_string().unwrap_or_default();
        let v = Reflect::get(object, &key).map_err(|_| {
            Error::invalid(
                what,
                text!("Reading `", name, "` of the ", what, " threw an exception."),
            )
        })?;
        let read = read_value(&v);
        if name == "signal" && matches!(read, Value::Signal { .. }) {
            signal = Some(v.unchecked_into());
        }
        entries.push((name, read));
    }
    Ok((Fields::new(entries), signal))
}

/// One JS value as the validation sees it.
pub fn read_value(v: &JsValue) -> Value {
    // Numbers and strings first: `page` and `num` then take one or two
    // calls into JS each.
    if let Some(n) = v.as_f64() {
        Value::Number(n)
    } else if let Some(text) = v.as_string() {
        // Copying in turns unpaired surrogates into U+FFFD, so only a copy
        // holding U+FFFD needs the check, which reads the string one UTF-16
        // unit per call.
        if !contains_bytes(&text, "\u{FFFD}") || v.unchecked_ref::<JsString>().is_valid_utf16() {
            Value::String(text)
        } else {
            Value::BrokenString
        }
    } else if v.is_undefined() {
        Value::Undefined
    } else if v.is_null() {
        Value::Null
    } else if let Some(b) = v.as_bool() {
        Value::Bool(b)
    } else if let Some(Ok(aborted)) = v.dyn_ref::<AbortSignal>().map(aborted_of) {
        Value::Signal { aborted }
    } else {
        Value::Other(type_name(v))
    }
}

/// `typeof`, with arrays and null told apart.
fn type_name(v: &JsValue) -> &'static str {
    if v.is_null() {
        "null"
    } else if is_array(v).unwrap_or(false) {
        "array"
    } else if v.is_function() {
        "function"
    } else if v.is_object() {
        "object"
    } else if v.is_string() {
        "string"
    } else if v.is_bigint() {
        "bigint"
    } else if v.is_symbol() {
        "symbol"
    } else if v.as_f64().is_some() {
        "number"
    } else if v.as_bool().is_some() {
        "boolean"
    } else {
        "undefined"
    }
}

/// The `size` bytes of the `ArrayBuffer` `body`, copied into wasm memory
/// with one call across.
pub fn body_bytes(memory: &JsValue, body: &JsValue, size: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(size as usize);
    if size > 0 {
        let copied = copy_into(memory, bytes.as_mut_ptr(), size, body).min(size);
        // SAFETY: copyInto has filled the first `copied` bytes of the `size`
        // bytes of spare capacity, and nothing allocated in between (which
        // could have moved or grown the memory).
        unsafe { bytes.set_len(copied as usize) };
    }
    bytes
}

/// Builds `{ data, credits_consumed, time_taken }` from a body that
/// [`crate::json::scan_backlinks`] has checked: the host's `JSON.parse` makes
/// the objects, then the fields the shape lists are set to `""`.
pub fn backlinks_result(
    status: u16,
    body: &JsValue,
    shape: &BacklinksShape,
) -> Result<JsValue, Error> {
    let fill: Vec<u32> = shape
        .fill
        .iter()
        .flat_map(|&(item, field)| [item, u32::from(field)])
        .collect();
    result_of(body, &fill).map_err(|_| Error::InvalidResponse {
        status,
        detail: "the body is not valid JSON".into(),
    })
}
