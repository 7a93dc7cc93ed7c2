// The package's BacklinksClient, without an apiKey, against the Worker, inside workerd.
import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEYS, WORKER, routeFetchToWorker, uniquePage, upstreamRequests } from './helpers.js';

afterEach(() => vi.unstubAllGlobals());

/** The error a rejected call gives. */
async function failure(promise) {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(KeywordsEverywhereError);
  return error;
}

describe('BacklinksClient without apiKey against the Worker', () => {
  it('looks backlinks up on both endpoints, the repeat from the cache', async () => {
    routeFetchToWorker();
    const client = new BacklinksClient({ baseUrl: WORKER });
    const page = uniquePage();
    const first = await client.getPageBacklinks({ page, num: 6 });
    expect(first.data).toHaveLength(6);
    expect(first.credits_consumed).toBe(6);
    const again = await client.getPageBacklinks({ page, num: 6 });
    expect(again).toEqual(first);
    const unique = await client.getUniquePageBacklinks({ page, num: 3 });
    expect(unique.data).toHaveLength(3);
    expect(unique.credits_consumed).toBe(15);
    const upstream = await upstreamRequests(page);
    expect(upstream.map((e) => e.path)).toEqual(['/v1/get_page_backlinks', '/v1/get_unique_page_backlinks']);
    expect(upstream.every((e) => e.authorization === `Bearer ${KEYS.valid}`)).toBe(true);
    client.free();
  });

  it('sees the Worker\'s MAX_NUM refusal as bad_request naming the cap', async () => {
    routeFetchToWorker();
    const client = new BacklinksClient({ baseUrl: WORKER });
    const error = await failure(client.getPageBacklinks({ page: uniquePage(), num: 1001 }));
    expect(error.code).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(error.message).toContain('1000');
  });

  it.each([
    ['bronze', 'plan_required', 5],
    ['noSubscription', 'subscription_required', 5],
    ['lowCredits', 'insufficient_credits', 500],
    ['other402', 'payment_required', 5],
  ])('gets the upstream 402 of the %s account as %s', async (account, code, num) => {
    routeFetchToWorker({ KE_API_KEY: KEYS[account] });
    const client = new BacklinksClient({ baseUrl: WORKER, maxRetries: 0 });
    const error = await failure(client.getPageBacklinks({ page: uniquePage(), num }));
    expect([error.code, error.status]).toEqual([code, 402]);
    expect(error.description).toBeTruthy();
    expect(`${error.message} ${error.description}`).not.toContain(KEYS[account]);
  });
});
