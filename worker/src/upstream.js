// The one place the Worker calls the API: through the package's BacklinksClient,
// and the one mapping of the package's errors to the Worker's answers.

import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { WorkerError } from './http.js';
import { redact } from './secret.js';

/** The client method of each endpoint path. */
export const ENDPOINT_METHODS = Object.freeze({
  '/v1/get_page_backlinks': 'getPageBacklinks',
  '/v1/get_unique_page_backlinks': 'getUniquePageBacklinks',
});

/** The binding behind each client option, to name it in a `misconfigured` answer. */
const CLIENT_OPTION_BINDINGS = {
  apiKey: 'secret KE_API_KEY',
  baseUrl: 'var KE_BASE_URL',
  timeoutMs: 'var UPSTREAM_TIMEOUT_MS',
  maxRetries: 'var UPSTREAM_MAX_RETRIES',
};

/** Statuses for the package's errors that carry no HTTP status of their own. */
const STATUS_BY_CODE = { invalid_argument: 400, network_error: 502, timeout: 504 };

/**
 * The Worker's answer for an error of the package: its code and message, the upstream
 * status (400 for invalid_argument, 502 for network_error, 504 for timeout, 502 when
 * there is no error status), and Retry-After for rate_limited when the API gave one.
 * @param {KeywordsEverywhereError} error
 * @param {string} apiKey Redacted from the message and description.
 * @returns {WorkerError}
 */
export function fromPackageError(error, apiKey) {
  const status = STATUS_BY_CODE[error.code] ?? (error.status >= 400 && error.status <= 599 ? error.status : 502);
  const headers = error.retryAfter === undefined ? {} : { 'retry-after': String(Math.ceil(error.retryAfter)) };
  return new WorkerError(status, error.code, redact(error.message, apiKey), {
    description: redact(error.description, apiKey),
    field: error.field,
    headers,
  });
}

/**
 * Looks the backlinks up upstream.
 * @param {import('./config.js').LookupConfig} config
 * @param {string} endpoint A key of {@link ENDPOINT_METHODS}.
 * @param {import('./form.js').Lookup} lookup
 * @returns {Promise<string>} The API's JSON answer `{ data, credits_consumed, time_taken }`.
 * @throws {WorkerError} For every failure: `misconfigured` (500) when the client refuses
 *   the Worker's own settings, else {@link fromPackageError}.
 */
export async function fetchBacklinks(config, endpoint, { page, num }) {
  let client;
  try {
    client = new BacklinksClient({
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
    });
  } catch (error) {
    if (!(error instanceof KeywordsEverywhereError)) throw error;
    const binding = CLIENT_OPTION_BINDINGS[error.field] ?? 'configuration';
    throw new WorkerError(500, 'misconfigured', `The Worker's ${binding} is not usable: ${redact(error.message, config.apiKey)}`);
  }
  try {
    const answer = await client[ENDPOINT_METHODS[endpoint]]({ page, num });
    return JSON.stringify(answer);
  } catch (error) {
    if (error instanceof KeywordsEverywhereError) throw fromPackageError(error, config.apiKey);
    throw error;
  } finally {
    client.free();
  }
}
