// Turning a failed lookup into plain words: what happened, in one sentence
// without option names or code marks, and what to do next. The package's
// own code and message stay available as technical details.

/**
 * @typedef {object} Explained
 * @property {string} code the package's stable error code
 * @property {string} headline what happened, in plain words
 * @property {string} advice what to do about it, in one sentence
 * @property {string} message the package's message (technical details), code marks removed
 * @property {string} description the service's own description, or '' when it gave none
 */

/** The package's message without its code marks (`num` becomes num). @param {string} text */
export const withoutCodeMarks = (text) => text.replaceAll('`', '');

/**
 * Plain words by error code: [headline, advice]. `mode` is `'worker'` or
 * `'direct'`; with the Worker, account problems are for whoever runs it.
 * @type {Record<string, (error: any, mode: string) => [string, string]>}
 */
const PLAIN = {
  unauthorized: (_, mode) => (mode === 'worker'
    ? ['The Worker did not accept this lookup.', 'Ask whoever runs the Worker to allow this page, or to check its key.']
    : ['This key was not accepted.', 'Copy the key again from the API page of your Keywords Everywhere account.']),
  subscription_required: () => ['This account has no active subscription.', 'Subscribe to Keywords Everywhere, then try again.'],
  plan_required: () => ['Your plan does not include backlinks.', 'Backlinks need a Gold or Platinum plan: upgrade, then try again.'],
  insufficient_credits: () => ['There are not enough credits left for this lookup.', 'Buy more credits, or ask for fewer backlinks (a smaller number, or without one link per referring domain).'],
  payment_required: () => ['The account has a billing problem.', 'Check the payment method of your Keywords Everywhere account, then try again.'],
  rate_limited: (error, mode) => [
    mode === 'worker' ? 'The Worker is limiting how often it looks up.' : 'Too many lookups in a short time.',
    error.retryAfter !== undefined ? `Wait ${error.retryAfter} s, then try again.` : 'Wait a little, then try again.',
  ],
  budget_exhausted: (error) => [
    'The Worker has spent its credit budget for today.',
    error.retryAfter !== undefined ? `It starts again in ${formatWait(error.retryAfter)}, at midnight UTC.` : 'It starts again at midnight UTC.',
  ],
  budget_exceeded: () => ['Skipped: it could have gone over the credit cap.', 'Raise the cap, or ask for fewer backlinks.'],
  bad_request: (_, mode) => [
    mode === 'worker' ? 'The Worker refused the lookup as it was written.' : 'The service refused the lookup as it was written.',
    'Check the address and the number of backlinks, then try again.',
  ],
  server_error: (_, mode) => [
    mode === 'worker' ? 'The Worker or the service behind it is having trouble.' : 'The Keywords Everywhere service is having trouble.',
    'Try again in a few minutes.',
  ],
  http_error: (_, mode) => ['The answer did not come from the backlinks service.', mode === 'worker'
    ? 'Check that the Worker address points at the backlinks Worker.'
    : 'Check the API address: it must point at the Keywords Everywhere API.'],
  invalid_response: (_, mode) => ['The answer could not be read.', PLAIN.http_error(_, mode)[1]],
  network_error: (_, mode) => ['The service could not be reached.', mode === 'worker'
    ? 'Check your connection, and that the Worker is running and allows this page.'
    : 'Check your connection and the API address.'],
  timeout: () => ['The service took too long to answer.', 'Try again, or ask for fewer backlinks.'],
  aborted: () => ['Cancelled.', 'Nothing more was sent.'],
  invalid_argument: () => ['Something in the form needs correcting.', 'Correct the marked field, then try again.'],
};

/** "3 h 12 min" or "45 s". @param {number} seconds */
export function formatWait(seconds) {
  if (seconds < 120) return `${Math.ceil(seconds)} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * Explains a rejection of the package (or, for a bug, any thrown value).
 * @param {unknown} error
 * @param {'worker'|'direct'} mode
 * @returns {Explained}
 */
export function explainError(error, mode) {
  const e = /** @type {any} */ (error);
  const code = typeof e?.code === 'string' ? e.code : 'unexpected';
  const [headline, advice] = PLAIN[code]?.(e, mode) ?? ['Something went wrong in this page.', 'Reload the page and try again.'];
  return {
    code,
    headline,
    advice,
    message: withoutCodeMarks(String(e?.message ?? e)),
    description: typeof e?.description === 'string' ? e.description : '',
  };
}

/** A value with no scheme that looks like a host name, maybe with a path: `example.com`, `example.com/a`. */
const BARE_HOST = /^(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*\.?(?::\d+)?(?:[/?#].*)?$/i;

/**
 * The host of a value typed without a scheme (`example.com/a` -> `example.com`), or null.
 * @param {string} value
 */
export function bareHost(value) {
  if (!BARE_HOST.test(value)) return null;
  return value.split(/[/?#:]/)[0].replace(/\.$/, '').toLowerCase();
}

/**
 * What to say under a field the package refused (it decides whether a value
 * is valid; this says why in plain words).
 * @param {string} field the package's `field`: page, domain, num, apiKey, baseUrl, maxCredits
 * @param {string} value what the field holds
 * @param {{ maxNum: number }} limits
 * @returns {string}
 */
export function fieldMessage(field, value, { maxNum }) {
  const text = value.trim();
  switch (field) {
    case 'page':
      if (!text) return 'Enter the address of a page, such as https://example.com/.';
      if (bareHost(text)) return 'That is not a web address. Add https:// in front.';
      if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^https?:/i.test(text)) return 'Only addresses that start with http:// or https:// can be looked up.';
      if (/\s/.test(text)) return 'A web address has no spaces. Check it, such as https://example.com/.';
      return 'That is not a web address. Check it, such as https://example.com/.';
    case 'domain':
      if (!text) return 'Enter a domain, such as example.com.';
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return 'Enter the domain alone, such as example.com, without https:// in front.';
      if (/\s/.test(text)) return 'A domain has no spaces. Enter one such as example.com.';
      if (/[/@]/.test(text) || /:\d*$/.test(text)) return 'Enter the domain alone, such as example.com, without a path, a port or a name@.';
      return 'That is not a domain. Enter one such as example.com.';
    case 'num':
      return `Enter a whole number of backlinks from 1 to ${maxNum.toLocaleString('en-US')}.`;
    case 'maxCredits':
      return 'Enter the credit cap as a whole number, such as 1000.';
    case 'apiKey':
      if (!text) return 'Enter your API key.';
      return 'This key holds spaces or characters a key never has: copy it again.';
    case 'baseUrl':
      return 'Enter the API address, starting with https://.';
    default:
      return 'Correct this value, then try again.';
  }
}
