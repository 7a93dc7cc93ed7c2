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
 * When `pageCap` > 0 and the object is a lookup's usual `{ page, num }` (a
 * well-formed string and a number; and maybe `signal`, undefined or an
 * AbortSignal), the page's UTF-8 goes to `pagePtr` in the wasm `memory` (at
 * most `pageCap` bytes), `num` to the f64 at `numPtr`, the signal to
 * `takeSignal()`, and the return value is the page's byte length times 4
 * plus the signal's state (0 absent, 1 undefined, 2 not aborted, 3
 * aborted). Anything else returns one of the codes above, and Rust reads
 * the names and values from `takeListed()`. Whether they are valid is
 * Rust's to say, either way. Never throws.
 */
export function readObject(object, memory, pagePtr, pageCap, numPtr) {
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
  for (const name of names) {
    let value;
    try {
      value = object[name];
    } catch {
      listed = [name];
      return GETTER_THREW;
    }
    if (name === 'page') page = value;
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
    listed.push(name, name === 'page' ? page : name === 'num' ? num : name === 'signal' ? signal : others[other++]);
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

// Copies the first `size` bytes of the ArrayBuffer `body` to `ptr` in the
// wasm `memory`, where the caller has reserved `size` bytes; returns how many
// it copied: `size`, or 0 when `body` no longer holds them. Never throws.
export function copyInto(memory, ptr, size, body) {
  try {
    new Uint8Array(memory.buffer, ptr, size).set(new Uint8Array(body, 0, size));
    return size;
  } catch {
    return 0;
  }
}

// `{ data, credits_consumed, time_taken }` from the checked body: the host's
// JSON.parse makes the objects; then the fields that `fill` lists (pairs of
// item index and field number) were missing or null and become "". The
// scanner has checked both numbers are numbers, null or absent.
export function backlinksResult(body, fill) {
  const parsed = JSON.parse(decoder.decode(body));
  const data = parsed.data;
  for (let i = 0; i < fill.length; i += 2) data[fill[i]][FIELDS[fill[i + 1]]] = '';
  return {
    data,
    credits_consumed: number(parsed.credits_consumed),
    time_taken: number(parsed.time_taken),
  };
}

function number(value) {
  return typeof value === 'number' ? value : 0;
}
