import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BudgetObject, emptyState, nextUtcMidnight, readingOf, refresh, reserveIn, settleIn } from '../src/budget.js';
import { PAGE_ROUTE, UNIQUE_ROUTE, budgetScope, call, expectWorkerError, uniquePage, upstreamRequests } from './helpers.js';

const DAY = 86400 * 1000;
const NOON = Date.UTC(2026, 11, 4, 12, 0, 0);

describe('the budget\'s arithmetic', () => {
  it('reserves what fits, refuses what does not, commits real credits and releases the rest', () => {
    const state = emptyState(NOON);
    expect(reserveIn(state, 10, 6, NOON, 'a')).toEqual({ ok: true, id: 'a' });
    expect(reserveIn(state, 10, 4, NOON, 'b')).toEqual({ ok: true, id: 'b' });
    const refused = reserveIn(state, 10, 1, NOON, 'c');
    expect(refused).toEqual({ ok: false, retryAfter: 12 * 3600, resetsAt: '2026-12-05T00:00:00.000Z' });
    expect(readingOf(state, 10, NOON)).toEqual({ limit: 10, spent: 0, reserved: 10, remaining: 0, resets_at: '2026-12-05T00:00:00.000Z' });
    settleIn(state, 'a', 2); // 6 reserved, 2 charged: 4 back
    settleIn(state, 'b', 0); // failed: all 4 back
    expect(readingOf(state, 10, NOON)).toMatchObject({ spent: 2, reserved: 0, remaining: 8 });
  });

  it('starts a new day at UTC midnight, keeping reservations in flight', () => {
    const state = emptyState(NOON);
    reserveIn(state, 10, 3, NOON, 'a');
    settleIn(state, 'a', 3);
    const beforeMidnight = Date.UTC(2026, 11, 4, 23, 50);
    reserveIn(state, 10, 5, beforeMidnight, 'b');
    refresh(state, beforeMidnight + 15 * 60 * 1000);
    expect(readingOf(state, 10, NOON + DAY)).toMatchObject({ spent: 0, reserved: 5, remaining: 5, resets_at: '2026-12-06T00:00:00.000Z' });
  });

  it('takes a reservation never settled (its Worker died) as spent once it is stale', () => {
    const state = emptyState(NOON);
    reserveIn(state, 10, 7, NOON, 'lost');
    refresh(state, NOON + 29 * 60 * 1000);
    expect(readingOf(state, 10, NOON)).toMatchObject({ spent: 0, reserved: 7 });
    refresh(state, NOON + 31 * 60 * 1000);
    expect(readingOf(state, 10, NOON)).toMatchObject({ spent: 7, reserved: 0 });
  });

  it('answers Retry-After in whole seconds to the next UTC midnight', () => {
    expect(nextUtcMidnight(NOON)).toBe(Date.UTC(2026, 11, 5));
    expect(nextUtcMidnight(Date.UTC(2026, 11, 5))).toBe(Date.UTC(2026, 11, 6));
    expect(reserveIn(emptyState(NOON), 0, 1, Date.UTC(2026, 11, 4, 23, 59, 59, 500), 'x').retryAfter).toBe(1);
  });
});

describe('the budget Durable Object', () => {
  it('lets concurrent reservations stop exactly at the budget', async () => {
    const stub = budgetScope().stub();
    const answers = await Promise.all(Array.from({ length: 40 }, () => stub.reserve(100, 7)));
    const granted = answers.filter((a) => a.ok);
    expect(granted).toHaveLength(14); // 14 x 7 = 98; a 15th would make 105
    expect(new Set(granted.map((a) => a.id)).size).toBe(14);
    expect(await stub.read(100)).toMatchObject({ spent: 0, reserved: 98, remaining: 2 });
    await Promise.all(granted.map((a, i) => stub.settle(a.id, i % 2 === 0 ? 7 : 0)));
    expect(await stub.read(100)).toMatchObject({ spent: 49, reserved: 0, remaining: 51 });
  });

  it('keeps the day\'s spend in storage: a fresh instance (a restart) reads it back', async () => {
    const stub = budgetScope().stub();
    const { id } = await stub.reserve(50, 20);
    await stub.settle(id, 12);
    const held = await stub.reserve(50, 5);
    const reading = await runInDurableObject(stub, async (_instance, state) => {
      const restarted = new BudgetObject(state, env); // nothing in memory, the same storage
      return restarted.read(50);
    });
    expect(reading).toMatchObject({ limit: 50, spent: 12, reserved: 5, remaining: 33 });
    expect(held.ok).toBe(true);
  });
});

describe('the budget in the Worker', () => {
  /** A lookup against a budget of its own. */
  const lookUp = (scope, limit, { page = uniquePage(), num = 3, route = PAGE_ROUTE, ttl } = {}) =>
    call(route, { form: { page, num }, env: { BUDGET: scope, DAILY_CREDIT_BUDGET: String(limit), ...(ttl === undefined ? {} : { CACHE_TTL_SECONDS: ttl }) } });

  const budgetOf = async (scope, limit) => (await call('/budget', { method: 'GET', env: { BUDGET: scope, DAILY_CREDIT_BUDGET: String(limit) } })).json;

  it('refuses a lookup whose worst case does not fit with 429 budget_exhausted and Retry-After to UTC midnight', async () => {
    const scope = budgetScope();
    expect((await lookUp(scope, 10, { num: 4 })).status).toBe(200);
    expect((await lookUp(scope, 10, { num: 5 })).status).toBe(200);
    const page = uniquePage();
    const before = Date.now();
    const refused = await lookUp(scope, 10, { page, num: 2 });
    expectWorkerError(refused, 429, 'budget_exhausted');
    const expected = Math.ceil((nextUtcMidnight(before) - before) / 1000);
    expect(Math.abs(Number(refused.headers.get('retry-after')) - expected)).toBeLessThanOrEqual(2);
    expect(refused.json.message).not.toContain('10');
    expect(await upstreamRequests(page)).toHaveLength(0);
    // The unique kind's worst case is 5 a backlink: 1 backlink does not fit in 1 credit.
    expectWorkerError(await lookUp(scope, 10, { route: UNIQUE_ROUTE, num: 1 }), 429, 'budget_exhausted');
    expect((await lookUp(scope, 10, { num: 1 })).status).toBe(200);
  });

  it('GET /budget answers { limit, spent, reserved, remaining, resets_at }', async () => {
    const scope = budgetScope();
    await lookUp(scope, 30, { num: 4 });
    await lookUp(scope, 30, { route: UNIQUE_ROUTE, num: 2 });
    const reading = await budgetOf(scope, 30);
    expect(reading).toEqual({ limit: 30, spent: 14, reserved: 0, remaining: 16, resets_at: new Date(nextUtcMidnight(Date.now())).toISOString() });
  });

  it('commits the credits the API charged, not the worst case', async () => {
    const scope = budgetScope();
    const res = await lookUp(scope, 100, { page: uniquePage('https://empty.example/'), num: 50 });
    expect(res.status).toBe(200);
    expect(res.json.credits_consumed).toBe(0);
    expect(await budgetOf(scope, 100)).toMatchObject({ spent: 0, reserved: 0, remaining: 100 });
  });

  it('releases the whole reservation of a failed call', async () => {
    const scope = budgetScope();
    const res = await lookUp(scope, 100, { page: uniquePage('https://scenario.test/?status=503'), num: 40 });
    expect(res.status).toBe(503);
    expect(await budgetOf(scope, 100)).toMatchObject({ spent: 0, reserved: 0, remaining: 100 });
  });

  it('lets concurrent lookups stop exactly at the budget', async () => {
    const scope = budgetScope();
    const answers = await Promise.all(Array.from({ length: 10 }, () => lookUp(scope, 20, { num: 3 })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(await budgetOf(scope, 20)).toMatchObject({ spent: 18, reserved: 0, remaining: 2 });
  });

  it('serves a cache hit when the budget is spent, at no cost', async () => {
    const scope = budgetScope();
    const page = uniquePage();
    const first = await lookUp(scope, 5, { page, num: 5 });
    expect(first.status).toBe(200);
    expect(await budgetOf(scope, 5)).toMatchObject({ remaining: 0 });
    const again = await lookUp(scope, 5, { page, num: 5 });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.json).toEqual({ worker_cache: 'HIT', ...first.json });
    expectWorkerError(await lookUp(scope, 5, { num: 1 }), 429, 'budget_exhausted');
    expect(await budgetOf(scope, 5)).toMatchObject({ spent: 5 });
    expect(await upstreamRequests(page)).toHaveLength(1);
  });

  it('refuses every paid lookup when DAILY_CREDIT_BUDGET is 0; an unusable value is misconfigured, naming the var', async () => {
    expectWorkerError(await lookUp(budgetScope(), 0, { num: 1 }), 429, 'budget_exhausted');
    const res = await lookUp(budgetScope(), 'lots');
    expectWorkerError(res, 500, 'misconfigured');
    expect(res.json.message).toContain('DAILY_CREDIT_BUDGET');
    expect(res.json.message).not.toContain('lots');
  });

  it('GET /config answers { maxNum, budget: { limit, remaining, resets_at } }, no secrets', async () => {
    const scope = budgetScope();
    await lookUp(scope, 40, { num: 4 });
    const res = await call('/config', { method: 'GET', env: { BUDGET: scope, DAILY_CREDIT_BUDGET: '40', MAX_NUM: '250' } });
    expect(res.json).toEqual({ maxNum: 250, budget: { limit: 40, remaining: 36, resets_at: new Date(nextUtcMidnight(Date.now())).toISOString() } });
  });
});
