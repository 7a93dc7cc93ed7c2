// What a lookup asks for, checked and put in one canonical form, so that every way of writing
// the same lookup is one upstream call and one cache entry:
// - a page is its WHATWG URL serialization without the fragment
//   (`HTTPS://Example.COM:443/a#x` -> `https://example.com/a`);
// - a domain is lower-cased (`Example.COM` -> `example.com`);
// - `num` is digits only, from 1 to MAX_NUM.
// The normalised target is what goes upstream too.

import { WorkerError } from './http.js';

function invalid(field, message) {
  return new WorkerError(400, 'invalid_argument', message, { field });
}

/**
 * A page URL in its normalised form, or a 400.
 * @param {unknown} raw
 * @returns {string}
 */
export function normalisePage(raw) {
  if (typeof raw !== 'string' || raw === '') throw invalid('page', '`page` is required: an absolute http(s) URL such as https://example.com/.');
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('page', '`page` must be an absolute http(s) URL such as https://example.com/.');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw invalid('page', '`page` must be an absolute http(s) URL such as https://example.com/.');
  }
  url.hash = '';
  return url.href;
}

/**
 * A domain in lower case, or a 400 for what can never be a bare host name (the package checks
 * the rest when it is called).
 * @param {unknown} raw
 * @returns {string}
 */
export function normaliseDomain(raw) {
  if (typeof raw !== 'string' || raw === '') throw invalid('domain', '`domain` is required: a bare host name such as example.com.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw invalid('domain', '`domain` must be a bare host name: pass example.com, not a URL.');
  if (/[\s/:@?#\\]/.test(raw)) {
    throw invalid('domain', '`domain` must be a bare host name such as example.com: no spaces, path, port or user@.');
  }
  return raw.toLowerCase();
}

/**
 * `num` as sent (a form field), checked: digits only, 1 to `maxNum`.
 * @param {unknown} raw
 * @param {number} maxNum MAX_NUM (named in the message, never quoted: GET /config publishes it).
 * @returns {number}
 */
export function normaliseNum(raw, maxNum) {
  if (raw === null || raw === undefined || raw === '') throw invalid('num', '`num` is required: a whole number from 1 to maxNum (see GET /config).');
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
    throw invalid('num', '`num` must be written with digits only: a whole number from 1 to maxNum (see GET /config).');
  }
  const value = Number(raw);
  if (value < 1) throw invalid('num', '`num` must be at least 1.');
  if (value > maxNum) throw invalid('num', '`num` is over this Worker\'s MAX_NUM cap (maxNum in GET /config); ask for fewer backlinks.');
  return value;
}

/**
 * The target of a lookup of `kind`, normalised.
 * @param {'page'|'domain'} field The kind's form field.
 * @param {unknown} raw
 * @returns {string}
 */
export function normaliseTarget(field, raw) {
  return field === 'domain' ? normaliseDomain(raw) : normalisePage(raw);
}
