// Turning a failed lookup into what the person needs: the code, the
// package's message, the API's own description, and what to do next.

/**
 * @typedef {object} Explained
 * @property {string} code the package's stable error code
 * @property {string} message the package's message
 * @property {string} description the API's `description`, or '' when it gave none
 * @property {string} advice what to do about it, in one sentence
 */

/**
 * What to do, by error code. `mode` is `'worker'` or `'direct'`; with the
 * Worker, account problems are for whoever runs it, since it holds the key.
 * @type {Record<string, (error: any, mode: string) => string>}
 */
const ADVICE = {
  unauthorized: (_, mode) => (mode === 'worker'
    ? 'The Worker\'s API key was refused: ask whoever runs the Worker to check its key.'
    : 'Check your API key: copy it again from the API page of your Keywords Everywhere account.'),
  subscription_required: () => 'Backlinks need an active Keywords Everywhere subscription: subscribe, then try again.',
  plan_required: () => 'A Gold or Platinum plan is needed for backlinks: upgrade the plan, then try again.',
  insufficient_credits: () => 'Buy more credits, or ask for fewer backlinks (a smaller num, or switch off "One link per domain").',
  payment_required: () => 'Check the billing of your Keywords Everywhere account (payment method), then try again.',
  rate_limited: (error) => (error.retryAfter !== undefined
    ? `Too many requests: wait ${error.retryAfter} s, then try again.`
    : 'Too many requests: wait a little, then try again.'),
  bad_request: () => 'Check the page URL and num, then try again.',
  server_error: () => 'The service is having trouble: try again in a few minutes.',
  http_error: (_, mode) => (mode === 'worker'
    ? 'Check that the Worker URL points at the backlinks Worker.'
    : 'Check the API base URL: it must point at the Keywords Everywhere API.'),
  invalid_response: (_, mode) => ADVICE.http_error(_, mode),
  network_error: (_, mode) => (mode === 'worker'
    ? 'Check your connection and that the Worker is running and allows this page\'s origin.'
    : 'Check your connection and the API base URL.'),
  timeout: () => 'Try again, or ask for fewer backlinks.',
  invalid_argument: () => 'Correct the value named in the message, then try again.',
};

/**
 * Explains a rejection of the package (or, for a bug, any thrown value).
 * @param {unknown} error
 * @param {'worker'|'direct'} mode
 * @returns {Explained}
 */
export function explainError(error, mode) {
  const e = /** @type {any} */ (error);
  const code = typeof e?.code === 'string' ? e.code : 'unexpected';
  const advice = ADVICE[code]?.(e, mode) ?? 'Reload the page and try again.';
  return {
    code,
    message: String(e?.message ?? e),
    description: typeof e?.description === 'string' ? e.description : '',
    advice,
  };
}
