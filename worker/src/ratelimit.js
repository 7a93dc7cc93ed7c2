// Per-client-IP limit on lookups, through the Workers rate-limiting binding
// RATE_LIMITER (wrangler.toml [[ratelimits]]), which Miniflare also enforces locally.

import { missingBinding } from './config.js';
import { WorkerError } from './http.js';

/** The binding's period in seconds (keep equal to `simple.period` in wrangler.toml). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Counts one lookup against the caller's IP (`CF-Connecting-IP`, which Cloudflare sets).
 * Throws a 429 `rate_limited` {@link WorkerError} with Retry-After when over the limit.
 * @param {Request} request
 * @param {Record<string, any>} env The Worker's bindings.
 * @returns {Promise<void>}
 */
export async function enforceRateLimit(request, env) {
  const limiter = env.RATE_LIMITER;
  if (typeof limiter?.limit !== 'function') throw missingBinding('RATE_LIMITER', 'a rate-limiting binding');
  const key = request.headers.get('cf-connecting-ip') ?? 'unknown';
  const { success } = await limiter.limit({ key });
  if (success) return;
  throw new WorkerError(
    429,
    'rate_limited',
    `Too many lookups from your address: wait ${RATE_LIMIT_PERIOD_SECONDS} s before trying again.`,
    { headers: { 'retry-after': String(RATE_LIMIT_PERIOD_SECONDS) } },
  );
}
