// The JS half of src/js_values.rs: the answer's bytes into wasm memory and
// the result object out of a body the Rust scanner has checked, each in one
// call across (driven from Rust, the same work took about fifteen calls:
// views, lengths, getters and setters, each of which costs most when the
// caches are cold, as they are between two network calls); and
// `signal.aborted`, read where a throwing getter can be caught.

// The names of `json::BACKLINK_FIELDS` in src/json.rs, in the same order: a
// fill entry's field number indexes this list.
const FIELDS = ['anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target'];

const decoder = new TextDecoder();

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
