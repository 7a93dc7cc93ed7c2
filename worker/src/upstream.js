// The one place the Worker calls the API: through the package's BacklinksClient, and the one
// mapping of the package's errors to the Worker's answers. It runs inside the merged-miss
// Durable Object (coalesce.js), so what it returns is plain data that crosses RPC.

import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { redact } from './secret.js';

/**
 * The outcome of one upstream lookup.
 * @typedef {{ ok: true, body: string, credits_consumed: number, upstream_ms: number }
 *   | { ok: false, error: UpstreamFailure, upstream_ms: number }} UpstreamOutcome
 */

/**
 * A failure as the Worker answers it (`message` is the Worker's own sentence) and the real
 * cause for the log line only.
 * @typedef {{ status: number, code: string, message: string, field?: string,
 *   headers: Record<string, string>, cause: string }} UpstreamFailure
 */

/** The setting behind each client option, to name it in a `misconfigured` answer. */
const CLIENT_OPTION_SETTINGS = {
  apiKey: 'secret KE_API_KEY',
  baseUrl: 'var KE_BASE_URL',
  timeoutMs: 'var UPSTREAM_TIMEOUT_MS',
  maxRetries: 'var UPSTREAM_MAX_RETRIES',
};

/** Codes that mean the owner's account cannot be used: callers only see a generic 503. */
const ACCOUNT_CODES = new Set(['unauthorized', 'subscription_required', 'plan_required', 'insufficient_credits', 'payment_required']);

/** What the log says happened upstream (the package's message, with the key redacted). */
function causeOf(error, apiKey) {
  const status = error.status === undefined ? '' : ` ${error.status}`;
  return redact(`${error.code}${status}: ${error.message}`, apiKey);
}

/**
 * The Worker's answer for an error of the package: its own status, code and sentence, never
 * the package's message (which would nest in the caller's own error), and never a setting's
 * value.
 * @param {KeywordsEverywhereError} error
 * @param {string} apiKey Redacted from the logged cause.
 * @returns {UpstreamFailure}
 */
export function fromPackageError(error, apiKey) {
  const cause = causeOf(error, apiKey);
  const fail = (status, code, message, extra = {}) => ({ status, code, message, headers: {}, cause, ...extra });
  const { code, status } = error;
  if (code === 'invalid_argument') {
    const setting = CLIENT_OPTION_SETTINGS[error.field];
    if (setting) return fail(500, 'misconfigured', `The Worker's ${setting} is not usable; its owner must fix it.`);
    const what = error.field === 'domain' ? 'a bare host name such as example.com' : error.field === 'page' ? 'an absolute http(s) URL such as https://example.com/' : 'valid';
    return fail(400, 'invalid_argument', `\`${error.field ?? 'the lookup'}\` must be ${what}.`, { field: error.field });
  }
  if (ACCOUNT_CODES.has(code) || status === 401 || status === 402 || status === 403) {
    return fail(503, 'upstream_unavailable', 'Backlinks cannot be looked up through this Worker right now; its owner has been told. Try again later.');
  }
  if (code === 'rate_limited') {
    const headers = error.retryAfter === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfter))) };
    return fail(429, 'rate_limited', 'The backlinks API is rate-limiting this Worker; try again later.', { headers });
  }
  if (code === 'server_error') {
    return fail(status >= 500 && status <= 599 ? status : 502, 'server_error', 'The backlinks API failed even after the Worker tried again; try again later.');
  }
  if (code === 'bad_request') return fail(400, 'bad_request', 'The backlinks API refused this lookup as invalid; check the page or domain.');
  if (code === 'timeout') return fail(504, 'timeout', 'The backlinks API did not answer in time; try again later.');
  if (code === 'network_error') return fail(502, 'network_error', 'The Worker could not reach the backlinks API; try again later.');
  if (code === 'invalid_response') return fail(502, 'invalid_response', 'The backlinks API answered something that is not its JSON; try again later.');
  return fail(502, 'http_error', 'The backlinks API gave an unexpected answer; try again later.');
}

/**
 * The upstream body of a lookup: the package's `lookupBody`, which checks the answer and
 * hands back its text as received (no parse into objects, no re-serialisation).
 * @param {BacklinksClient} client
 * @param {string} kind
 * @param {string} field `page` or `domain`.
 * @param {string} target
 * @param {number} num
 * @returns {Promise<{ body: string, credits_consumed: number }>}
 */
function lookupBody(client, kind, field, target, num) {
  return client.lookupBody(kind, { [field]: target, num });
}

/**
 * Looks the backlinks up upstream. Never throws for the package's errors: they come back as
 * `{ ok: false, error }` (plain data, for RPC).
 * @param {{ apiKey: string, baseUrl: string, timeoutMs: number, maxRetries: number }} config
 * @param {{ kind: string, field: 'page'|'domain', target: string, num: number }} lookup
 * @returns {Promise<UpstreamOutcome>}
 */
export async function fetchUpstream(config, { kind, field, target, num }) {
  const started = Date.now();
  let client;
  try {
    client = new BacklinksClient({ apiKey: config.apiKey, baseUrl: config.baseUrl, timeoutMs: config.timeoutMs, maxRetries: config.maxRetries });
    const { body, credits_consumed } = await lookupBody(client, kind, field, target, num);
    return { ok: true, body, credits_consumed, upstream_ms: Date.now() - started };
  } catch (error) {
    if (!(error instanceof KeywordsEverywhereError)) throw error;
    return { ok: false, error: fromPackageError(error, config.apiKey), upstream_ms: Date.now() - started };
  } finally {
    client?.free();
  }
}
