// The API's form body (`page`, `num`) read from a lookup request. `page` is left to the
// package to validate; `num` is parsed strictly here and held to MAX_NUM.

import { WorkerError } from './http.js';

/** Far more than a page URL and a number need. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * What a caller asked for: `page` as sent (the package validates it), `num` a whole number.
 * @typedef {{ page: string|undefined, num: number }} Lookup
 */

function invalid(field, message) {
  return new WorkerError(400, 'invalid_argument', message, { field });
}

function tooLarge() {
  return new WorkerError(413, 'payload_too_large', `The body may be at most ${MAX_BODY_BYTES} bytes.`);
}

/** The form fields of the body: urlencoded (also when untyped, like `curl --data`) or multipart. */
async function readFields(request) {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge();
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return request.formData();
  if (type !== '' && !type.startsWith('application/x-www-form-urlencoded')) {
    throw new WorkerError(
      415,
      'unsupported_media_type',
      'Send the fields `page` and `num` as a form: Content-Type application/x-www-form-urlencoded or multipart/form-data.',
    );
  }
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
  return new URLSearchParams(new TextDecoder().decode(bytes));
}

/**
 * Reads `page` and `num` from a lookup request. Throws a 400 `invalid_argument`
 * {@link WorkerError} for a `num` that is missing, not all digits, or above `maxNum`.
 * @param {Request} request
 * @param {number} maxNum MAX_NUM.
 * @returns {Promise<Lookup>}
 */
export async function readLookup(request, maxNum) {
  const fields = await readFields(request);
  const page = fields.get('page') ?? undefined;
  const num = fields.get('num');
  if (typeof page !== 'string' && page !== undefined) throw invalid('page', '`page` must be a text field, not a file.');
  if (num === null || num === '') throw invalid('num', `\`num\` is required: a whole number from 1 to ${maxNum}.`);
  if (typeof num !== 'string' || !/^\d+$/.test(num)) {
    throw invalid('num', `\`num\` must be written with digits only, a whole number from 1 to ${maxNum}.`);
  }
  const value = Number(num);
  if (value > maxNum) {
    throw invalid('num', `\`num\` may be at most ${maxNum} on this server (its MAX_NUM cap); ask for fewer backlinks.`);
  }
  return { page, num: value };
}
