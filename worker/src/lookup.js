// The Worker's whole pipeline after the access check, shared by the HTTP routes and the MCP
// endpoint: normalise -> cache -> rate limit (keyed by caller) -> budget -> merged upstream
// miss. Cache hits come first: they cost nothing, so they are served before the rate limit
// and even when the day's budget is spent.

import { estimateCredits } from 'keywords-everywhere-backlinks';
import { cacheKey, cachedBody, storeBody } from './cache.js';
import { mergedLookup } from './coalesce.js';
import { readLookupConfig } from './config.js';
import { WorkerError } from './http.js';
import { KINDS } from './kinds.js';
import { originOf } from './log.js';
import { normaliseNum, normaliseTarget } from './normalize.js';
import { enforceRateLimit } from './ratelimit.js';
import { reserveCredits, settleCredits } from './budget.js';

/** The origin of cache keys when the caller's record does not carry the Worker's own. */
const FALLBACK_ORIGIN = 'https://keywords-everywhere-backlinks.worker';

/**
 * A lookup's body (see {@link runLookup}) as text.
 * @param {string|ReadableStream<Uint8Array>} body
 * @returns {Promise<string>}
 */
export async function bodyText(body) {
  return typeof body === 'string' ? body : new Response(body).text();
}

/**
 * Runs one lookup.
 * @param {object} options
 * @param {Record<string, any>} options.env The Worker's bindings.
 * @param {{ waitUntil(p: Promise<unknown>): void }} [options.ctx] The execution context.
 * @param {import('./log.js').RequestRecord} [options.record] Filled in for the log line.
 * @param {string} options.caller The rate limit's key (auth.js).
 * @param {import('./kinds.js').Kind} options.kind
 * @param {unknown} options.target A page URL or a domain, as the caller wrote it.
 * @param {unknown} options.num A whole number, or its digits as a form sends them.
 * @returns {Promise<{ body: string|ReadableStream<Uint8Array>, cache: 'HIT'|'MISS' }>} `body`:
 *   the JSON to answer, as text on a miss and as the cache's stream on a hit (read it with
 *   {@link bodyText} where text is needed).
 * @throws {WorkerError}
 */
export async function runLookup({ env, record = {}, caller, kind, target, num }) {
  const info = Object.hasOwn(KINDS, kind) ? KINDS[kind] : null;
  if (!info) throw new WorkerError(400, 'invalid_argument', 'The lookup kind must be page, unique_page, domain or unique_domain.', { field: 'kind' });
  record.kind = kind;
  const config = readLookupConfig(env);
  const normalTarget = normaliseTarget(info.field, target);
  const normalNum = normaliseNum(typeof num === 'number' && Number.isInteger(num) ? String(num) : num, config.maxNum);
  record.num = normalNum;

  const key = cacheKey(originOf(record) ?? FALLBACK_ORIGIN, kind, normalTarget, normalNum);
  const hit = await cachedBody(key);
  if (hit !== null) {
    record.cache = 'HIT';
    return { body: hit, cache: 'HIT' };
  }
  record.cache = 'MISS';

  await enforceRateLimit(env, caller);

  let budgetMs = Date.now();
  const reservation = await reserveCredits(env, config.dailyBudget, estimateCredits(kind, normalNum));
  budgetMs = Date.now() - budgetMs;
  let credits = 0;
  try {
    const started = Date.now();
    const outcome = await mergedLookup(env, config, { kind, field: info.field, target: normalTarget, num: normalNum });
    record.upstream_ms = outcome.upstream_ms;
    record.merge_ms = Math.max(0, Date.now() - started - outcome.upstream_ms);
    record.merged = !outcome.leader;
    if (!outcome.ok) {
      const { status, code, message, field, headers, cause } = outcome.error;
      record.cause = cause;
      throw new WorkerError(status, code, message, { field, headers });
    }
    // The one call that went upstream commits its credits and fills the cache; those that
    // shared its answer release their reservations.
    credits = outcome.leader ? outcome.credits_consumed : 0;
    const store = outcome.leader
      ? storeBody(key, outcome.body, config.cacheTtlSeconds).catch((error) => {
          record.error = `cache put failed: ${error}`; // the answer was paid for: answer it all the same
        })
      : null;
    await Promise.all([store, settle()]);
    return { body: outcome.body, cache: 'MISS' };
  } catch (error) {
    credits = 0;
    await settle().catch(() => {});
    throw error;
  }

  async function settle() {
    const started = Date.now();
    await settleCredits(env, reservation, credits);
    record.credits = credits;
    record.budget_ms = budgetMs + Date.now() - started;
  }
}
