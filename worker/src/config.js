// The Worker's settings, read from its bindings (vars and secrets) on each request. A setting
// that is unusable is a 500 `misconfigured` naming the setting, never quoting its value.

import { WorkerError } from './http.js';

/** The API the Worker calls when KE_BASE_URL is not set. */
const DEFAULT_BASE_URL = 'https://api.keywordseverywhere.com';

/** The package's own upper bound of `num`; MAX_NUM cannot exceed it. */
const PACKAGE_MAX_NUM = 10000;

/** DAILY_CREDIT_BUDGET when unset. */
export const DEFAULT_DAILY_CREDIT_BUDGET = 10000;

/** HIT_LOG_SAMPLE_RATE when unset: one cache hit in a hundred is logged. */
export const DEFAULT_HIT_LOG_SAMPLE_RATE = 0.01;

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
 * @property {number} hitLogSampleRate HIT_LOG_SAMPLE_RATE: the share of cache hits logged (0 to 1).
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

/** A plain decimal, optionally with an exponent (what a TOML number turns into as a string); no sign, no hex. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The last HIT_LOG_SAMPLE_RATE read and its value: the var is the same on every request of an isolate. */
let lastRate = { text: undefined, value: DEFAULT_HIT_LOG_SAMPLE_RATE };

/**
 * HIT_LOG_SAMPLE_RATE, checked: a number from 0 to 1, the share of cache hits that get a log
 * line (0.01 when unset). Empty, not a number, or outside 0 to 1 is a misconfiguration: an
 * unusable rate would otherwise silently log every hit or none. Parsed once per value.
 * @param {Record<string, unknown>} env
 * @returns {number}
 */
export function readHitLogSampleRate(env) {
  const text = env.HIT_LOG_SAMPLE_RATE;
  if (text === undefined || text === null) return DEFAULT_HIT_LOG_SAMPLE_RATE;
  if (text === lastRate.text) return lastRate.value;
  const trimmed = String(text).trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= 0 && value <= 1)) {
    throw misconfigured('The var HIT_LOG_SAMPLE_RATE must be a number from 0 to 1 (the share of cache hits logged, e.g. 0.1); fix it in wrangler.toml.');
  }
  lastRate = { text, value };
  return value;
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

/** The vars readLookupConfig reads. */
const LOOKUP_VARS = ['KE_API_KEY', 'KE_BASE_URL', 'MAX_NUM', 'CACHE_TTL_SECONDS', 'UPSTREAM_TIMEOUT_MS', 'UPSTREAM_MAX_RETRIES', 'DAILY_CREDIT_BUDGET', 'HIT_LOG_SAMPLE_RATE'];

/** The last settings read and the var values they came from: the same on every request of an isolate. */
let lastConfig = { texts: [], config: null };

/**
 * Reads and checks the settings of a lookup. Throws a 500 `misconfigured`
 * {@link WorkerError} naming the setting at fault (never its value). The settings are
 * checked once per set of var values and shared (frozen) after that.
 * @param {Record<string, unknown>} env The Worker's bindings.
 * @returns {Readonly<LookupConfig>}
 */
export function readLookupConfig(env) {
  const texts = LOOKUP_VARS.map((name) => env[name]);
  if (lastConfig.config !== null && texts.every((text, i) => text === lastConfig.texts[i])) return lastConfig.config;
  const config = Object.freeze(checkLookupConfig(env));
  lastConfig = { texts, config };
  return config;
}

/** {@link readLookupConfig}'s checks. */
function checkLookupConfig(env) {
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
    hitLogSampleRate: readHitLogSampleRate(env),
  };
}

/** The `misconfigured` error for a binding that is missing or of the wrong kind. */
export function missingBinding(name, what) {
  return misconfigured(`The binding ${name} (${what}) is missing; restore it in wrangler.toml.`);
}
