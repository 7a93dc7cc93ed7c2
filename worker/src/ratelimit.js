// Per-caller limit on paid lookups (cache hits are not counted), through the Workers
// rate-limiting binding RATE_LIMITER (wrangler.toml [[ratelimits]]), which Miniflare also
// enforces locally. Counted per Cloudflare location and eventually consistent: a brake, not a
// quota (the daily budget is the quota).

import { missingBinding } from './config.js';
import { WorkerError } from './http.js';

/** The binding's period in seconds (keep equal to `simple.period` in wrangler.toml). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Counts one lookup against `caller`. Throws a 429 `rate_limited` {@link WorkerError} with
 * Retry-After when over the limit.
 * @param {Record<string, any>} env The Worker's bindings.
 * @param {string} caller Who is asking (auth.js: `token:<n>` or `ip:<address>`).
 * @returns {Promise<void>}
 */
export async function enforceRateLimit(env, caller) {
  const limiter = env.RATE_LIMITER;
  if (typeof limiter?.limit !== 'function') throw missingBinding('RATE_LIMITER', 'a rate-limiting binding');
  const { success } = await limiter.limit({ key: caller });
  if (success) return;
  throw new WorkerError(
    429,
    'rate_limited',
    `Too many lookups from you: wait ${RATE_LIMIT_PERIOD_SECONDS} s before trying again.`,
    { headers: { 'retry-after': String(RATE_LIMIT_PERIOD_SECONDS) } },
  );
}
