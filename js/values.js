// The JS half of src/js_values.rs: an argument object read once, the
// answer's bytes into wasm memory and the result object out of a body the
// Rust scanner has checked, each in one call across (driven from Rust, the
// same work took about fifteen calls: keys, getters, views, lengths and
// setters, each of which costs most when the caches are cold, as they are
// between two network calls); and `signal.aborted`, read where a throwing
// getter can be caught.

// The names of `json::BACKLINK_FIELDS` in src/json.rs, in the same order: a
// fill entry's field number indexes this list.
const FIELDS = ['anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target'];

const decoder = new TextDecoder();
// The field a lookup's `target` number names (see `readObject`).
const TARGETS = [undefined, 'page', 'domain'];
const encoder = new TextEncoder();
// Missing in browsers older than 2023: then every read takes the general way.
const isWellFormed = String.prototype.isWellFormed;

// What `readObject` returns for anything but a lookup's `{ page, num }`
// (which returns a number >= 0). The same numbers are `Read`'s in
// src/js_values.rs.
const LISTED = -1; // names and values are in `takeListed()`
const NOT_AN_OBJECT = -2; // a primitive, null, a function or an array: nothing read
const LISTING_THREW = -3; // Array.isArray or Object.keys threw
const GETTER_THREW = -4; // `takeListed()` holds the name whose getter threw
const UNDEFINED = -5; // `undefined`, which reads as an empty object

// The last read's [name, value, name, value, ...] (or [name] of the getter
// that threw), until `takeListed` hands it over.
let listed;
// The last lookup's signal, until `takeSignal` hands it over.
let signalRead;

/**
 * Reads each own enumerable property of `object` exactly once (the names
 * by Object.keys, then each value, in that order), so a getter runs once
 * and later changes cannot reach the call.
 *
 * When `pageCap` > 0 and the object is a lookup's usual `{ page, num }`, or
 * `{ domain, num }` (the field `target` names: 1 page, 2 domain; a
 * well-formed string and a number; and maybe `signal`, undefined or an
 * AbortSignal), the page's UTF-8 goes to `pagePtr` in the wasm `memory` (at
 * most `pageCap` bytes), `num` to the f64 at `numPtr`, the signal to
 * `takeSignal()`, and the return value is the page's byte length times 4
 * plus the signal's state (0 absent, 1 undefined, 2 not aborted, 3
 * aborted). Anything else returns one of the codes above, and Rust reads
 * the names and values from `takeListed()`. Whether they are valid is
 * Rust's to say, either way. Never throws.
 */
export function readObject(object, memory, pagePtr, pageCap, numPtr, target) {
  if (object === undefined) return UNDEFINED;
  if (typeof object !== 'object' || object === null) return NOT_AN_OBJECT;
  let names;
  try {
    if (Array.isArray(object)) return NOT_AN_OBJECT;
    names = Object.keys(object);
  } catch {
    return LISTING_THREW;
  }
  let page;
  let num;
  let signal;
  let signalState = 0;
  let others; // the values of other names, in order
  const targetName = TARGETS[target];
  for (const name of names) {
    let value;
    try {
      value = object[name];
    } catch {
      listed = [name];
      return GETTER_THREW;
    }
    if (name === targetName) page = value;
    else if (name === 'num') num = value;
    else if (name === 'signal') {
      signal = value;
      signalState = 1;
    } else (others ??= []).push(value);
  }
  let lookup =
    pageCap > 0 && others === undefined && typeof page === 'string' && typeof num === 'number' && isWellFormed?.call(page) === true;
  if (lookup && signal !== undefined) {
    try {
      if (signal instanceof AbortSignal) signalState = signal.aborted ? 3 : 2;
      else lookup = false;
    } catch {
      lookup = false;
    }
  }
  if (lookup) {
    const buffer = memory.buffer;
    const view = new Uint8Array(buffer, pagePtr, pageCap);
    let written = asciiInto(page, view);
    if (written < 0) {
      const encoded = encoder.encodeInto(page, view);
      if (encoded.read === page.length) written = encoded.written;
    }
    if (written >= 0) {
      new Float64Array(buffer, numPtr, 1)[0] = num;
      signalRead = signal;
      return written * 4 + signalState;
    }
  }
  listed = [];
  let other = 0;
  for (const name of names) {
    listed.push(name, name === targetName ? page : name === 'num' ? num : name === 'signal' ? signal : others[other++]);
  }
  return LISTED;
}

// Writes `text` to `view` when it is all ASCII and fits; returns its length,
// or -1. The usual page takes this way: a loop the JS engine compiles beats
// TextEncoder, whose call into the DOM cost Chromium about 8 us per lookup
// (profiled), where this loop costs under 1.
function asciiInto(text, view) {
  if (text.length > view.length) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return -1;
    view[i] = c;
  }
  return text.length;
}

/** The last read's names and values (see `readObject`), handed over once. */
export function takeListed() {
  const taken = listed;
  listed = undefined;
  return taken;
}

/** The last simple read's AbortSignal, handed over once. */
export function takeSignal() {
  const taken = signalRead;
  signalRead = undefined;
  return taken;
}

// `signal.aborted` (which throws for an object that only inherits from
// AbortSignal.prototype; the binding catches that).
export function abortedOf(signal) {
  return signal.aborted;
}

// Writes the body's bytes to `ptr` in the wasm `memory`, where the caller
// has reserved `cap` bytes: an ArrayBuffer's bytes, or a string's UTF-8 (as
// TextEncoder writes it). Returns how many it wrote; or, when they do not
// fit, minus how many it needs (so a second call with that room writes
// them); or 0 when `body` is neither or cannot be read. Never throws.
export function copyInto(memory, ptr, cap, body) {
  try {
    const view = new Uint8Array(memory.buffer, ptr, cap);
    if (typeof body === 'string') {
      const { read, written } = encoder.encodeInto(body, view);
      return read === body.length ? written : -(written + utf8Length(body, read));
    }
    if (!(body instanceof ArrayBuffer)) return 0;
    const size = body.byteLength;
    if (size > cap) return -size;
    view.set(new Uint8Array(body, 0, size));
    return size;
  } catch {
    return 0;
  }
}

// The length of the UTF-8 of `text` from its unit `from` on, as TextEncoder
// writes it: a surrogate pair takes 4 bytes, a lone surrogate U+FFFD's 3.
function utf8Length(text, from) {
  let bytes = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// The body, as text (a string stays as it is; an ArrayBuffer is decoded).
function textOf(body) {
  return typeof body === 'string' ? body : decoder.decode(body);
}

// The result of a lookup: the checked body (a string, or an ArrayBuffer of
// UTF-8) as the host's JSON.parse makes it, every top-level field kept, with
// what the Rust scanner read leniently set right: the fields listed by the
// `fillLength` numbers at `fillPtr` in the wasm `memory` (pairs of item
// index and field number) were missing or null and become "", or (field
// number + 8) were a number or boolean and become its text; `data: null` is
// an empty list; `credits_consumed` and `time_taken` are numbers (see
// `number`). `null` should the body not parse after all; never throws.
export function backlinksResult(body, memory, fillPtr, fillLength) {
  try {
    const parsed = JSON.parse(textOf(body));
    const data = (parsed.data ??= []);
    if (fillLength > 0) {
      const fill = new Uint32Array(memory.buffer, fillPtr, fillLength);
      for (let i = 0; i < fillLength; i += 2) {
        const item = data[fill[i]];
        const field = FIELDS[fill[i + 1] & 7];
        item[field] = fill[i + 1] & 8 ? String(item[field]) : '';
      }
    }
    parsed.credits_consumed = number(parsed.credits_consumed);
    parsed.time_taken = number(parsed.time_taken);
    return parsed;
  } catch {
    return null;
  }
}

// `{ body, credits_consumed }` for `lookupBody`: the checked body as text,
// and the credits read from `credits`, the JSON text of its
// `credits_consumed` (undefined when it has none). `null` should that not
// parse after all; never throws.
export function bodyResult(body, credits) {
  try {
    return { body: textOf(body), credits_consumed: number(credits === undefined ? undefined : JSON.parse(credits)) };
  } catch {
    return null;
  }
}

// The balance in a checked `[number]` body; `null` when it is not a finite
// number after all (such as `[1e999]`); never throws.
export function balanceResult(body) {
  try {
    const [balance] = JSON.parse(textOf(body));
    return Number.isFinite(balance) ? balance : null;
  } catch {
    return null;
  }
}

// A decimal number in a string, as a paid answer may write its numbers
// ("2", "0.5", " 1e3 "); not hex, not empty.
const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

// `credits_consumed` or `time_taken` of a paid answer, read leniently: a
// number, or a numeric string, as that number; a non-finite one, and
// anything else (absent, null, another string, a boolean), as 0.
function number(value) {
  const n = typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value) ? Number(value) : 0;
  return Number.isFinite(n) ? n : 0;
}
