// js/values.js's `copyInto`, which writes an answer's body into wasm memory
// for the scanner: the bytes of an ArrayBuffer (browsers, workerd) or the
// UTF-8 of a string (Node reads bodies as text). Rust first offers as many
// bytes as the body's size (an ASCII answer's exact length); when they do
// not fit, the answer says exactly how many it needs, and the second call
// must then write what TextEncoder writes. Against a real WebAssembly.Memory.
// And `backlinksResult`, which builds a call's result from a checked body:
// the fields Rust lists in wasm memory become "", and it never throws.
//
// Run: node --test tests/js/values.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backlinksResult, copyInto } from '../../js/values.js';

const memory = new WebAssembly.Memory({ initial: 1 });
const PTR = 64;
const written = (n) => [...new Uint8Array(memory.buffer, PTR, n)];
const utf8 = (text) => [...new TextEncoder().encode(text)];

const TEXTS = {
  empty: '',
  ascii: '{"data":[{"anchor_text":"a"}],"credits_consumed":1}',
  'two-byte': 'café',
  'three-byte': '€ and ✓',
  'surrogate pair': 'emoji 😀 and 𝄞',
  'lone high surrogate': 'a\ud800b',
  'lone low surrogate': 'a\udc00b',
  'high surrogate last': 'ab\ud83d',
  'non-ASCII first': 'Ünïcödé all along, then ASCII',
};

for (const [name, text] of Object.entries(TEXTS)) {
  test(`a string (${name}): its UTF-8, in one call or two`, () => {
    const expected = utf8(text);
    new Uint8Array(memory.buffer).fill(0xee);
    let result = copyInto(memory, PTR, text.length, text);
    if (expected.length > text.length) {
      assert.equal(result, -expected.length, 'the first call says how many bytes it needs');
      result = copyInto(memory, PTR, -result, text);
    }
    assert.equal(result, expected.length);
    assert.deepEqual(written(expected.length), expected);
    assert.equal(new Uint8Array(memory.buffer)[PTR + expected.length], 0xee, 'nothing written past the bytes');
  });
}

test('an ArrayBuffer: its bytes when they fit, else minus its size', () => {
  const bytes = utf8('{"data":[]} é');
  const buffer = new Uint8Array(bytes).buffer;
  assert.equal(copyInto(memory, PTR, bytes.length - 1, buffer), -bytes.length);
  assert.equal(copyInto(memory, PTR, bytes.length, buffer), bytes.length);
  assert.deepEqual(written(bytes.length), bytes);
  assert.equal(copyInto(memory, PTR, 0, new ArrayBuffer(0)), 0);
});

test('neither a string nor a readable ArrayBuffer: 0 bytes, no throw', () => {
  const detached = new ArrayBuffer(8);
  structuredClone(detached, { transfer: [detached] });
  for (const body of [undefined, null, 42, {}, detached]) {
    assert.equal(copyInto(memory, PTR, 8, body), 0, String(body));
  }
  // A view that does not fit in memory at all.
  assert.equal(copyInto(memory, memory.buffer.byteLength, 8, 'abc'), 0);
});

test('backlinksResult: the listed fields become "", from a string or an ArrayBuffer; null, not a throw, for a body that is not JSON', () => {
  const body = JSON.stringify({
    data: [{ anchor_text: null, url_source: 'https://a.example/' }, { url_target: 'https://b.example/' }],
    credits_consumed: 2,
  });
  // Pairs of item index and field number (json::BACKLINK_FIELDS' order), as Rust writes them.
  new Uint32Array(memory.buffer, PTR, 4).set([0, 0, 1, 1]);
  const expected = {
    data: [{ anchor_text: '', url_source: 'https://a.example/' }, { url_target: 'https://b.example/', domain_source: '' }],
    credits_consumed: 2,
    time_taken: 0,
  };
  assert.deepEqual(backlinksResult(body, memory, PTR, 4), expected);
  assert.deepEqual(backlinksResult(new TextEncoder().encode(body).buffer, memory, PTR, 4), expected);
  assert.equal(backlinksResult(body, memory, PTR, 0).data[0].anchor_text, null, 'nothing listed, nothing filled');
  assert.equal(backlinksResult('{"data": [', memory, PTR, 0), null);
  assert.equal(backlinksResult('{"data": null}', memory, PTR, 2), null);
});
