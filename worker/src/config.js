// The Worker's settings, read from its bindings (vars and secrets) on each request. A setting
// that is unusable is a 500 `misconfigured` naming the setting, never quoting its value.

import { WorkerError } from './http.js';

/** The API the Worker calls when KE_BASE_URL is not set. */
const DEFAULT_BASE_URL = 'https://api.keywordseverywhere.com';

/** The package's own upper bound of `num`; MAX_NUM cannot exceed it. */
const PACKAGE_MAX_NUM = 10000;

/** DAILY_CREDIT_BUDGET when unset. */
export const DEFAULT_DAILY_CREDIT_BUDGET = 10000;

/**
 * Settings a lookup needs.
 * @typedef {object} LookupConfig
 * @property {string} apiKey The secret KE_API_KEY.
 * @property {string} baseUrl KE_BASE_URL.
 * @property {number} maxNum MAX_NUM: the largest `num` accepted.
 * @property {number} cacheTtlSeconds CACHE_TTL_SECONDS; 0 turns the cache off.
 * @property {number} timeoutMs UPSTREAM_TIMEOUT_MS: time limit of one upstream attempt.
 * @property {number} maxRetries UPSTREAM_MAX_RETRIES: retries of upstream 429, 5xx and network errors.
 * @property {number} dailyBudget DAILY_CREDIT_BUDGET: credits the Worker may spend per UTC day.
 */

/** A 500 `misconfigured` error with the Worker's own sentence. */
export function misconfigured(message) {
  return new WorkerError(500, 'misconfigured', message);
}

/** A whole-number var, or its default when unset; anything else is a misconfiguration. */
function wholeNumber(env, name, fallback, min, max) {
  const text = env[name];
  if (text === undefined || text === null || text === '') return fallback;
  const value = /^\d+$/.test(String(text).trim()) ? Number(String(text).trim()) : NaN;
  if (!(value >= min && value <= max)) {
    throw misconfigured(`The var ${name} must be a whole number from ${min} to ${max}; fix it in wrangler.toml.`);
  }
  return value;
}

/**
 * MAX_NUM, checked.
 * @param {Record<string, unknown>} env
 * @returns {number}
 */
export function readMaxNum(env) {
  return wholeNumber(env, 'MAX_NUM', 1000, 1, PACKAGE_MAX_NUM);
}

/**
 * DAILY_CREDIT_BUDGET, checked (0 stops every paid lookup; cache hits are still served).
 * @param {Record<string, unknown>} env
 * @returns {number}
 */
export function readDailyBudget(env) {
  return wholeNumber(env, 'DAILY_CREDIT_BUDGET', DEFAULT_DAILY_CREDIT_BUDGET, 0, Number.MAX_SAFE_INTEGER);
}

/** KE_BASE_URL, checked: an http(s) URL. */
function readBaseUrl(env) {
  const text = env.KE_BASE_URL;
  if (text === undefined || text === null || text === '') return DEFAULT_BASE_URL;
  let url;
  try {
    url = new URL(String(text));
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw misconfigured('The var KE_BASE_URL must be an http(s) URL; fix it in wrangler.toml.');
  }
  return String(text);
}

/**
 * Reads and checks the settings of a lookup. Throws a 500 `misconfigured`
 * {@link WorkerError} naming the setting at fault (never its value).
 * @param {Record<string, unknown>} env The Worker's bindings.
 * @returns {LookupConfig}
 */
export function readLookupConfig(env) {
  const apiKey = env.KE_API_KEY;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw misconfigured(
      'The secret KE_API_KEY is not set: run `wrangler secret put KE_API_KEY` (or, for wrangler dev, put it in worker/.dev.vars).',
    );
  }
  return {
    apiKey,
    baseUrl: readBaseUrl(env),
    maxNum: readMaxNum(env),
    cacheTtlSeconds: wholeNumber(env, 'CACHE_TTL_SECONDS', 86400, 0, 365 * 86400),
    timeoutMs: wholeNumber(env, 'UPSTREAM_TIMEOUT_MS', 25000, 1, 600000),
    maxRetries: wholeNumber(env, 'UPSTREAM_MAX_RETRIES', 1, 0, 10),
    dailyBudget: readDailyBudget(env),
  };
}

/** The `misconfigured` error for a binding that is missing or of the wrong kind. */
export function missingBinding(name, what) {
  return misconfigured(`The binding ${name} (${what}) is missing; restore it in wrangler.toml.`);
}
