// Who may spend the owner's credits. A lookup is allowed only (a) with
// `Authorization: Bearer <token>` where the token is listed in the secret ACCESS_TOKENS
// (comma-separated, compared in constant time), or (b) from a browser Origin listed in
// ALLOWED_ORIGINS. Anything else is a 401 `unauthorized` before anything else happens.
// An Origin binds browsers only (a script can send any header): the daily budget (budget.js)
// is what bounds a forger.

import { parseAllowedOrigins } from './cors.js';
import { misconfigured } from './config.js';
import { WorkerError } from './http.js';

const encoder = new TextEncoder();

let lastTokensText;
/** @type {Uint8Array[]} */
let lastTokens = [];

/** ACCESS_TOKENS as bytes (remembering the last text, which is the same on every request). */
function accessTokens(text) {
  if (text !== lastTokensText) {
    lastTokens = String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => encoder.encode(s));
    lastTokensText = text;
  }
  return lastTokens;
}

/**
 * Whether two byte strings are equal, in time that depends on their length only (the
 * runtime's `crypto.subtle.timingSafeEqual`, or the same XOR loop where it is missing).
 */
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  if (typeof crypto.subtle.timingSafeEqual === 'function') return crypto.subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The position in ACCESS_TOKENS of the request's bearer token, or -1. Every entry is compared. */
function tokenIndex(request, env) {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.get('authorization') ?? '');
  if (!match) return -1;
  const candidate = encoder.encode(match[1]);
  let found = -1;
  const tokens = accessTokens(env.ACCESS_TOKENS);
  for (let i = 0; i < tokens.length; i++) if (sameBytes(candidate, tokens[i]) && found === -1) found = i;
  return found;
}

/**
 * The access token of `Authorization: Bearer <t>` when it is listed in ACCESS_TOKENS
 * (constant-time compare), else null.
 * @param {Request} request
 * @param {Record<string, unknown>} env
 * @returns {string|null}
 */
export function matchedToken(request, env) {
  const index = tokenIndex(request, env);
  return index === -1 ? null : new TextDecoder().decode(accessTokens(env.ACCESS_TOKENS)[index]);
}

/**
 * Who is asking, once allowed.
 * @typedef {object} Caller
 * @property {string} caller The rate limit's key: `token:<position in ACCESS_TOKENS>` for a
 *   token (never the token itself), `ip:<CF-Connecting-IP>` for a browser on an allowed origin.
 * @property {'token'|'origin'} via Which way in.
 */

/**
 * Lets a lookup in, or throws a 401 `unauthorized` {@link WorkerError}.
 * @param {Request} request
 * @param {Record<string, unknown>} env
 * @returns {Caller}
 */
export function authorize(request, env) {
  const index = tokenIndex(request, env);
  if (index !== -1) return { caller: `token:${index}`, via: 'token' };
  const origin = request.headers.get('origin');
  if (origin !== null) {
    const allowed = parseAllowedOrigins(env.ALLOWED_ORIGINS);
    if (allowed.origins.has(origin)) return { caller: `ip:${request.headers.get('cf-connecting-ip') ?? 'unknown'}`, via: 'origin' };
    if (allowed.unusable) {
      throw misconfigured('The var ALLOWED_ORIGINS must list origins such as https://app.example, comma-separated ("*" is not accepted); fix it in wrangler.toml.');
    }
  }
  throw new WorkerError(
    401,
    'unauthorized',
    'This Worker needs an access token (Authorization: Bearer <token>, one its owner listed in ACCESS_TOKENS) or a call from a page its owner allowed.',
  );
}
