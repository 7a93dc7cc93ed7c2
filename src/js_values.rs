//! Reading JS arguments into the pure [`Fields`], and building the JS result
//! from a checked body. The only places that look inside JS objects.

use crate::endpoint::Target;
use crate::error::Error;
use crate::json::BacklinksShape;
use crate::params::{Fields, Name, Value};
use crate::prelude::*;
use crate::words::contains_bytes;
use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

// What can throw on an exotic argument (a Proxy, a revoked one, an object
// made from AbortSignal.prototype) is read through bindings that catch, or
// in js/values.js, so that such an argument gets an `invalid_argument`
// error, never a throw through wasm. (wasm-bindgen's own `instanceof` checks
// catch already.)
#[wasm_bindgen]
extern "C" {
    /// `Array.isArray(value)`, or the TypeError a revoked Proxy throws.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

// The body's text never enters wasm memory as a Rust `String`: it stays a JS
// string, parsed by the host's JSON.parse (js-sys' and web-sys' bindings
// would copy it in and out, 2 x 2 MB at num=10000). Only its UTF-8 comes in,
// for the scanner. The body comes as an `ArrayBuffer` (browsers, workerd),
// decoded by js/values.js, or as the runtime's `Response.text()` (Node, see
// `tuneForNode` in js/transport.js): Chromium's `encodeInto` is slow on a
// large string, 3-4.5% of a num=10000 call, where Node's saves time.
#[wasm_bindgen(module = "/js/values.js")]
extern "C" {
    /// Reads each own property of `object` once. A simple lookup's page or
    /// domain (the field `target` names: 1 `page`, 2 `domain`) goes to
    /// `page` (UTF-8, at most `page_cap` bytes) and its num to `num`;
    /// returns a [`Read`] code (see `readObject`).
    #[wasm_bindgen(js_name = readObject)]
    fn read_object(
        object: &JsValue,
        memory: &JsValue,
        page: *mut u8,
        page_cap: u32,
        num: *mut f64,
        target: u32,
    ) -> i32;
    /// The last read's `[name, value, ...]`, or `[name]` of the getter that threw.
    #[wasm_bindgen(js_name = takeListed)]
    fn take_listed() -> Array;
    /// The last simple read's signal.
    #[wasm_bindgen(js_name = takeSignal)]
    fn take_signal() -> AbortSignal;
    /// `signal.aborted`, or what the getter threw for an object that only
    /// inherits from `AbortSignal.prototype`.
    #[wasm_bindgen(js_name = abortedOf, catch)]
    fn aborted_of(signal: &AbortSignal) -> Result<bool, JsValue>;
    /// Writes the body's bytes (an `ArrayBuffer`'s, or a string's UTF-8)
    /// to `ptr` in the wasm `memory`, at most `cap`; returns how many it
    /// wrote, or minus how many it needs when they do not fit, or 0 when
    /// `body` is neither.
    #[wasm_bindgen(js_name = copyInto)]
    fn copy_into(memory: &JsValue, ptr: *mut u8, cap: u32, body: &JsValue) -> i32;
    /// `{ data, credits_consumed, time_taken }` from a checked body, with
    /// the fields that `fill` lists set to `""`: `fill_len` numbers at
    /// `fill` in the wasm `memory`, pairs of item index and field number.
    /// `null` when the body is not JSON after all; never throws. (A `&[u32]`
    /// and `catch` made the glue build a view and a closure on every call,
    /// about 0.7 us of a num=5 call in Node, profiled, for a list that is
    /// almost always empty.)
    #[wasm_bindgen(js_name = backlinksResult)]
    fn result_of(body: &JsValue, memory: &JsValue, fill: *const u32, fill_len: u32) -> JsValue;
    /// `{ body, credits_consumed }`: the body as text, and the credits read
    /// from `credits` (the JSON text of its `credits_consumed`, if any).
    /// `null` when the body is not text after all; never throws.
    #[wasm_bindgen(js_name = bodyResult)]
    fn body_of(body: &JsValue, credits: Option<&str>) -> JsValue;
    /// The number in a checked `[number]` body; `null` when it is not a
    /// finite number after all; never throws.
    #[wasm_bindgen(js_name = balanceResult)]
    fn balance_of(body: &JsValue) -> JsValue;
}

// Why a lookup's params are read in one call: read through bindings
// (Object.keys, each name and value, each string copied in with a nested
// call to the allocator), `{ page, num }` took about fifteen calls across,
// the largest part of what the wasm half added to a num=5 call. Measured
// (A/B in one process, 3 x 8,000 rounds): 1.2-1.5% less call time in Node,
// about 1% in Chromium, for 490 B more .wasm gzip.

/// How `readObject` in js/values.js read an object: its return value.
enum Read {
    /// A lookup's `{ page, num }` (or `{ domain, num }`), maybe with
    /// `signal`: the page's UTF-8 length in the buffer, and the signal.
    Lookup { page_len: usize, signal: Value },
    /// Anything else: the names and values are in `take_listed()`.
    Listed,
    /// A primitive, `null`, a function or an array; nothing was read.
    NotAnObject,
    /// `Array.isArray` or `Object.keys` threw.
    ListingThrew,
    /// A getter threw; its name is in `take_listed()`.
    GetterThrew,
    /// `undefined`: no fields, as an empty object would have.
    Undefined,
}

impl Read {
    fn from_js(code: i32) -> Self {
        match code {
            // The byte length times 4, plus the signal: 0 or 1 for none or
            // undefined, 2 for one not aborted, 3 for one aborted.
            0.. => Read::Lookup {
                page_len: (code >> 2) as usize,
                signal: match code & 3 {
                    0 | 1 => Value::Undefined,
                    state => Value::Signal {
                        aborted: state == 3,
                    },
                },
            },
            -2 => Read::NotAnObject,
            -3 => Read::ListingThrew,
            -4 => Read::GetterThrew,
            -5 => Read::Undefined,
            _ => Read::Listed,
        }
    }
}

/// The longest page (in UTF-8 bytes) read in the one call; a longer one is
/// read the general way.
const PAGE_CAP: usize = 2048;

/// Reads a lookup's params into [`Fields`], and keeps its `signal` when
/// that is an `AbortSignal`: the usual `{ page, num }` or `{ domain, num }`
/// (as `target` says; maybe with `signal`) in one call across, anything
/// else as [`read_options`] does.
pub fn read_params(
    value: &JsValue,
    memory: &JsValue,
    target: Target,
) -> Result<(Fields, Option<AbortSignal>), Error> {
    read_fields(value, memory, "params", Some(target))
}

/// Reads the params of a call that is no lookup (`getCredits`) into
/// [`Fields`], keeping its `signal` as [`read_params`] does.
pub fn read_other_params(
    value: &JsValue,
    memory: &JsValue,
) -> Result<(Fields, Option<AbortSignal>), Error> {
    read_fields(value, memory, "params", None)
}

/// Reads an options object into [`Fields`].
pub fn read_options(value: &JsValue) -> Result<Fields, Error> {
    read_fields(value, &wasm_bindgen::memory(), "options", None).map(|(fields, _)| fields)
}

/// Reads an options object into [`Fields`], and also answers its names and
/// values as read (`[name, value, ...]`), for the fields whose JS value
/// itself is needed (an array, a callback, a signal). Each property is read
/// exactly once.
pub fn read_options_listed(value: &JsValue) -> Result<(Fields, Array), Error> {
    let mut num = 0.0;
    let code = read_object(
        value,
        &wasm_bindgen::memory(),
        core::ptr::null_mut(),
        0,
        &mut num,
        0,
    );
    match Read::from_js(code) {
        Read::Listed => {
            let listed = take_listed();
            let (fields, _) = read_listed(&listed);
            Ok((fields, listed))
        }
        Read::Undefined => Ok((Fields::default(), Array::new())),
        failed => Err(unreadable(failed, value, "options", None)),
    }
}

/// Reads `value` with js/values.js `readObject`, which reads each property
/// exactly once, and in one call when it is a lookup's (of `target`).
/// `undefined` is an empty object; anything else that is not a plain object
/// is an error naming `what`.
fn read_fields(
    value: &JsValue,
    memory: &JsValue,
    what: &'static str,
    target: Option<Target>,
) -> Result<(Fields, Option<AbortSignal>), Error> {
    let (page_cap, target_code) = match target {
        None => (0, 0),
        Some(Target::Page) => (PAGE_CAP, 1),
        Some(Target::Domain) => (PAGE_CAP, 2),
    };
    let mut page: Vec<u8> = Vec::with_capacity(page_cap);
    let mut num = 0.0;
    let code = read_object(
        value,
        memory,
        page.as_mut_ptr(),
        page_cap as u32,
        &mut num,
        target_code,
    );
    match Read::from_js(code) {
        Read::Lookup { page_len, signal } => {
            // SAFETY: readObject wrote `page_len` bytes (TextEncoder's
            // encodeInto writes no more than the view it is given, of
            // `page_cap` bytes), and nothing allocated since.
            unsafe { page.set_len(page_len.min(page_cap)) };
            // encodeInto wrote the UTF-8 of a well-formed string: this
            // cannot fail, and would be refused if it did.
            let page = String::from_utf8(page).map_or(Value::BrokenString, Value::String);
            let mut entries = Vec::with_capacity(3);
            let name = target.map_or("page", Target::name);
            entries.push((Name::Borrowed(name), page));
            entries.push((Name::Borrowed("num"), Value::Number(num)));
            let kept = matches!(signal, Value::Signal { .. }).then(take_signal);
            if signal != Value::Undefined {
                entries.push((Name::Borrowed("signal"), signal));
            }
            Ok((Fields::new(entries), kept))
        }
        Read::Listed => Ok(read_listed(&take_listed())),
        Read::Undefined => Ok((Fields::default(), None)),
        failed => Err(unreadable(failed, value, what, target)),
    }
}

/// The error for an argument `readObject` could not read as an object.
/// Out of line (see `params.rs`): a first call that reads its argument
/// compiles none of this.
#[cold]
#[inline(never)]
fn unreadable(read: Read, value: &JsValue, what: &'static str, target: Option<Target>) -> Error {
    match read {
        Read::ListingThrew => Error::invalid(
            what,
            text!("Listing the fields of the ", what, " threw an exception."),
        ),
        Read::GetterThrew => {
            let name = take_listed().get(0).as_string().unwrap_or_default();
            Error::invalid(
                what,
                text!("Reading `", name, "` of the ", what, " threw an exception."),
            )
        }
        // Read::NotAnObject, the one other case that gets here.
        _ => Error::invalid(
            what,
            text!(
                "The ",
                what,
                " must be an object such as ",
                match (what, target) {
                    ("options", _) => "{ apiKey: \"...\" }",
                    (_, Some(Target::Page)) => "{ page: \"https://example.com/\", num: 10 }",
                    (_, Some(Target::Domain)) => "{ domain: \"example.com\", num: 10 }",
                    (_, None) => "{ signal } or left out",
                },
                "; got ",
                type_name(value),
                "."
            ),
        ),
    }
}

/// [`Fields`] from `[name, value, name, value, ...]`, and the `signal` field
/// when that is an `AbortSignal`.
fn read_listed(listed: &Array) -> (Fields, Option<AbortSignal>) {
    let mut entries = Vec::new();
    let mut signal = None;
    for i in (0..listed.length()).step_by(2) {
        let name = listed.get(i).as_string().unwrap_or_default();
        let v = listed.get(i + 1);
        let read = read_value(&v);
        if name == "signal" && matches!(read, Value::Signal { .. }) {
            signal = Some(v.unchecked_into());
        }
        entries.push((name.into(), read));
    }
    (Fields::new(entries), signal)
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

/// The body's bytes, copied into wasm memory with one call across: the
/// `size` bytes of an `ArrayBuffer`, or the UTF-8 of a string `size` UTF-16
/// units long. An API answer is ASCII and takes `size` bytes; other text
/// takes more, and a second call with the room the first said it needs.
/// Empty when `body` is neither.
pub fn body_bytes(memory: &JsValue, body: &JsValue, size: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut cap = size;
    for _ in 0..2 {
        bytes.reserve_exact(cap as usize);
        let written = copy_into(memory, bytes.as_mut_ptr(), cap, body);
        if let Ok(written) = usize::try_from(written) {
            // SAFETY: copyInto wrote `written` bytes, no more than the `cap`
            // bytes of spare capacity, and nothing allocated in between
            // (which could have moved or grown the memory).
            unsafe { bytes.set_len(written.min(cap as usize)) };
            break;
        }
        cap = written.unsigned_abs();
    }
    bytes
}

/// Builds `{ data, credits_consumed, time_taken }` from a body that
/// [`crate::json::scan_backlinks`] has checked: the host's `JSON.parse` makes
/// the objects, then the fields the shape lists are set to `""`.
pub fn backlinks_result(
    status: u16,
    body: &JsValue,
    memory: &JsValue,
    shape: &BacklinksShape,
) -> Result<JsValue, Error> {
    let fill: Vec<u32> = shape
        .fill
        .iter()
        .flat_map(|&(item, field)| [item, u32::from(field)])
        .collect();
    not_null(
        status,
        result_of(body, memory, fill.as_ptr(), fill.len() as u32),
    )
}

/// Builds `{ body, credits_consumed }` from a body that
/// [`crate::json::scan_backlinks`] has checked (`bytes` are its UTF-8): the
/// body as text, exactly as it came, and the credits it says it consumed.
pub fn body_result(
    status: u16,
    body: &JsValue,
    bytes: &[u8],
    shape: &BacklinksShape,
) -> Result<JsValue, Error> {
    let credits = shape
        .credits
        .and_then(|(start, end)| bytes.get(start as usize..end as usize))
        .and_then(|token| core::str::from_utf8(token).ok());
    not_null(status, body_of(body, credits))
}

/// The balance in a body that [`crate::json::scan_balance`] has checked.
pub fn balance_result(status: u16, body: &JsValue) -> Result<JsValue, Error> {
    not_null(status, balance_of(body))
}

/// `result`, or the error for a body the host's JSON.parse refused after all.
fn not_null(status: u16, result: JsValue) -> Result<JsValue, Error> {
    if result.is_null() {
        return Err(not_json(status));
    }
    Ok(result)
}

/// The error for a body the host's JSON.parse refused after all.
#[cold]
#[inline(never)]
fn not_json(status: u16) -> Error {
    Error::InvalidResponse {
        status,
        detail: "the body is not valid JSON, or its balance is not a finite number".into(),
    }
}
