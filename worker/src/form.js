// A lookup's form body: read while it streams, never past 16 KiB whatever its type or
// transfer encoding (chunked, or a Content-Length that lies), then parsed as a form.

import { WorkerError } from './http.js';

/** Far more than a page URL and a number need. */
export const MAX_BODY_BYTES = 16 * 1024;

/** One decoder for every request: a fatal decoder starts afresh on each whole-input decode. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function tooLarge() {
  return new WorkerError(413, 'payload_too_large', `The body may be at most ${MAX_BODY_BYTES} bytes; send only the form fields of one lookup.`);
}

function malformed(what) {
  return new WorkerError(400, 'malformed_body', `The body is not a well-formed ${what}; send the form fields of one lookup.`);
}

/**
 * The whole body, stopping (and cancelling the stream) as soon as it passes the limit.
 * @param {Request} request
 * @returns {Promise<Uint8Array>}
 */
export async function readLimitedBody(request) {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  if (declared !== null && /^\d+$/.test(declared)) {
    // A declared length within the limit: HTTP framing delivers no more than it, so one read
    // of the whole body is safe (and cheaper than a read per chunk). Checked all the same.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
    return bytes;
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * The form fields of a request: urlencoded (also when untyped, like `curl --data`) or
 * multipart. 415 for another type, 413 over the limit, 400 when the body does not parse.
 * @param {Request} request
 * @returns {Promise<{ get(name: string): unknown }>}
 */
export async function readForm(request) {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  const multipart = type.startsWith('multipart/form-data');
  if (!multipart && type !== '' && !type.startsWith('application/x-www-form-urlencoded')) {
    throw new WorkerError(
      415,
      'unsupported_media_type',
      'Send the lookup as a form: Content-Type application/x-www-form-urlencoded or multipart/form-data.',
    );
  }
  const bytes = await readLimitedBody(request);
  if (multipart) {
    try {
      return await new Response(bytes, { headers: { 'content-type': request.headers.get('content-type') } }).formData();
    } catch {
      throw malformed('multipart form');
    }
  }
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw malformed('UTF-8 form');
  }
  return new URLSearchParams(text);
}
