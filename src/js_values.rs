//! Reading JS arguments into the pure [`Fields`], and building the JS result
//! from a checked body. The only places that look inside JS objects.

use crate::error::Error;
use crate::json::BacklinksShape;
use crate::params::{Fields, Value};
use crate::prelude::*;
use crate::words::contains_bytes;
use js_sys::{Array, JsString, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

// The body's text never enters wasm memory: it is decoded and parsed by the
// host and stays a JS string (js-sys' and web-sys' bindings would copy it in
// and out as a Rust `String`, 2 x 2 MB at num=10000).
#[wasm_bindgen]
extern "C" {
    /// The host's `TextDecoder` (UTF-8); one per client.
    pub type TextDecoder;
    #[wasm_bindgen(constructor)]
    pub fn new() -> TextDecoder;
    #[wasm_bindgen(method)]
    fn decode(this: &TextDecoder, bytes: &Uint8Array) -> JsString;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &JsString) -> Result<Body, JsValue>;

    // Typed views of plain objects: the glue reads and writes the fields by
    // name, so no field name crosses from wasm. None of these can throw: the
    // objects are fresh, or come from JSON.parse, which makes no accessors.

    /// A parsed answer body, checked by the scanner.
    type Body;
    #[wasm_bindgen(method, getter)]
    fn data(this: &Body) -> Array;
    #[wasm_bindgen(method, getter)]
    fn credits_consumed(this: &Body) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn time_taken(this: &Body) -> JsValue;

    /// One backlink of `data`.
    type Item;
    #[wasm_bindgen(method, setter)]
    fn set_anchor_text(this: &Item, value: &str);
    #[wasm_bindgen(method, setter)]
    fn set_domain_source(this: &Item, value: &str);
    #[wasm_bindgen(method, setter)]
    fn set_domain_target(this: &Item, value: &str);
    #[wasm_bindgen(method, setter)]
    fn set_url_source(this: &Item, value: &str);
    #[wasm_bindgen(method, setter)]
    fn set_url_target(this: &Item, value: &str);

    /// What a call resolves to: `{ data, credits_consumed, time_taken }`.
    #[wasm_bindgen(extends = Object)]
    type BacklinksResult;
    #[wasm_bindgen(method, setter)]
    fn set_data(this: &BacklinksResult, value: &Array);
    #[wasm_bindgen(method, setter)]
    fn set_credits_consumed(this: &BacklinksResult, value: f64);
    #[wasm_bindgen(method, setter)]
    fn set_time_taken(this: &BacklinksResult, value: f64);
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
    if !value.is_object() || value.is_function() || Array::is_array(value) {
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
    for key in Object::keys(object).iter() {
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
    } else if let Some(signal) = v.dyn_ref::<AbortSignal>() {
        Value::Signal {
            aborted: signal.aborted(),
        }
    } else {
        Value::Other(type_name(v))
    }
}

/// `typeof`, with arrays and null told apart.
fn type_name(v: &JsValue) -> &'static str {
    if v.is_null() {
        "null"
    } else if Array::is_array(v) {
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

/// Builds `{ data, credits_consumed, time_taken }` from a body that
/// [`crate::json::scan_backlinks`] has checked: the host's `JSON.parse` makes
/// the objects, then the fields the shape lists are set to `""`.
pub fn backlinks_result(
    decoder: &TextDecoder,
    status: u16,
    body: &Uint8Array,
    shape: &BacklinksShape,
) -> Result<JsValue, Error> {
    let invalid = |detail: &str| Error::InvalidResponse {
        status,
        detail: detail.into(),
    };
    let text = decoder.decode(body);
    let parsed = json_parse(&text).map_err(|_| invalid("the body is not valid JSON"))?;
    let data = parsed.data();
    for &(item, field) in &shape.fill {
        let item: Item = data.get(item).unchecked_into();
        // In the order of `json::BACKLINK_FIELDS`.
        match field {
            0 => item.set_anchor_text(""),
            1 => item.set_domain_source(""),
            2 => item.set_domain_target(""),
            3 => item.set_url_source(""),
            _ => item.set_url_target(""),
        }
    }
    let result: BacklinksResult = Object::new().unchecked_into();
    result.set_data(&data);
    result.set_credits_consumed(parsed.credits_consumed().as_f64().unwrap_or(0.0));
    result.set_time_taken(parsed.time_taken().as_f64().unwrap_or(0.0));
    Ok(result.into())
}
