// The package's BacklinksClient against the Worker, inside workerd: a server with an access
// token as its apiKey, as the package is used today.
import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEYS, TOKENS, WORKER, routeFetchToWorker, uniquePage, upstreamRequests } from './helpers.js';

afterEach(() => vi.unstubAllGlobals());

/** The error a rejected call gives. */
async function failure(promise) {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(KeywordsEverywhereError);
  return error;
}

describe('BacklinksClient with an access token against the Worker', () => {
  it('looks backlinks up on both page endpoints, the repeat from the cache; the token never goes upstream', async () => {
    routeFetchToWorker();
    const client = new BacklinksClient({ apiKey: TOKENS[0], baseUrl: WORKER });
    const page = uniquePage();
    const first = await client.getPageBacklinks({ page, num: 6 });
    expect(first.data).toHaveLength(6);
    expect(first.credits_consumed).toBe(6);
    const again = await client.getPageBacklinks({ page, num: 6 });
    expect(again.data).toEqual(first.data);
    const unique = await client.getUniquePageBacklinks({ page, num: 3 });
    expect(unique.data).toHaveLength(3);
    expect(unique.credits_consumed).toBe(15);
    const upstream = await upstreamRequests(page);
    expect(upstream.map((e) => e.path)).toEqual(['/v1/get_page_backlinks', '/v1/get_unique_page_backlinks']);
    expect(upstream.every((e) => e.authorization === `Bearer ${KEYS.valid}`)).toBe(true);
    client.free();
  });

  it('is refused without a token (401 unauthorized) and sends nothing upstream', async () => {
    routeFetchToWorker();
    const client = new BacklinksClient({ baseUrl: WORKER, maxRetries: 0 });
    const page = uniquePage();
    const error = await failure(client.getPageBacklinks({ page, num: 2 }));
    expect([error.code, error.status]).toEqual(['unauthorized', 401]);
    expect(await upstreamRequests(page)).toHaveLength(0);
  });

  it('sees the Worker\'s MAX_NUM refusal as bad_request naming the setting', async () => {
    routeFetchToWorker();
    const client = new BacklinksClient({ apiKey: TOKENS[1], baseUrl: WORKER });
    const error = await failure(client.getPageBacklinks({ page: uniquePage(), num: 1001 }));
    expect(error.code).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(error.message).toContain('MAX_NUM');
  });

  it('gets an upstream 402 of the owner\'s account as a 503, with no detail about the account', async () => {
    routeFetchToWorker({ KE_API_KEY: KEYS.bronze });
    const client = new BacklinksClient({ apiKey: TOKENS[0], baseUrl: WORKER, maxRetries: 0 });
    const error = await failure(client.getPageBacklinks({ page: uniquePage(), num: 5 }));
    expect([error.code, error.status]).toEqual(['server_error', 503]);
    expect(`${error.message} ${error.description}`).not.toMatch(/plan|Gold|Platinum/i);
    expect(`${error.message} ${error.description}`).not.toContain(KEYS.bronze);
  });

  it('is not retried by the package after the Worker\'s error (x-should-retry: false), and says the Worker\'s message once', async () => {
    let calls = 0;
    routeFetchToWorker(undefined, undefined, () => calls++);
    const client = new BacklinksClient({ apiKey: TOKENS[0], baseUrl: WORKER, maxRetries: 2 });
    const page = uniquePage('https://scenario.test/?status=503');
    const error = await failure(client.getPageBacklinks({ page, num: 2 }));
    expect(calls).toBe(1);
    expect(error.status).toBe(503);
    const workerMessage = 'The backlinks API failed even after the Worker tried again; try again later.';
    expect(error.message.split(workerMessage)).toHaveLength(2);
    expect(error.message).not.toMatch(/the API answered 503 ".*the API answered/);
    client.free();
  });
});
