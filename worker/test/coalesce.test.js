import { env, listDurableObjectIds } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PAGE_ROUTE, budgetScope, call, uniquePage, upstreamRequests } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

/** A page whose upstream answer takes `ms`, so that identical lookups overlap. */
const slowPage = (ms = 400) => uniquePage(`https://scenario.test/?delayMs=${ms}`);

describe('merged misses', () => {
  it('makes one upstream call for ten identical lookups in flight, and gives each its answer', async () => {
    const page = slowPage();
    const scope = budgetScope();
    const bindings = { BUDGET: scope, DAILY_CREDIT_BUDGET: '1000' };
    const spy = vi.spyOn(console, 'log');
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(PAGE_ROUTE, { form: { page, num: 6 }, env: bindings })));
    const lines = spy.mock.calls.map((args) => String(args[0])).filter((line) => line.startsWith('{"event":"request"')).map((line) => JSON.parse(line));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers[0].json.data).toHaveLength(6);
    expect(await upstreamRequests(page)).toHaveLength(1);
    // The credits are committed once, by the call that went upstream; the others released theirs.
    expect((await scope.stub().read(1000))).toMatchObject({ spent: 6, reserved: 0 });
    expect(lines.filter((l) => l.merged === false)).toHaveLength(1);
    expect(lines.filter((l) => l.merged === true)).toHaveLength(9);
    expect(lines.map((l) => l.credits).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 6]);
  });

  it('shares a failure the same way, and releases every reservation', async () => {
    const page = uniquePage('https://scenario.test/?status=503&delayMs=300');
    const scope = budgetScope();
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(PAGE_ROUTE, { form: { page, num: 2 }, env: { BUDGET: scope, DAILY_CREDIT_BUDGET: '1000' } })));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(503));
    expect(await upstreamRequests(page)).toHaveLength(1);
    expect(await scope.stub().read(1000)).toMatchObject({ spent: 0, reserved: 0 });
  });

  it('keeps different lookups apart: another num, another page', async () => {
    const page = slowPage();
    const other = slowPage();
    await Promise.all([
      call(PAGE_ROUTE, { form: { page, num: 2 } }),
      call(PAGE_ROUTE, { form: { page, num: 3 } }),
      call(PAGE_ROUTE, { form: { page: other, num: 2 } }),
    ]);
    expect(await upstreamRequests(page)).toHaveLength(2);
    expect(await upstreamRequests(other)).toHaveLength(1);
  });

  it('runs each distinct lookup in a Durable Object of its own (LookupObject)', async () => {
    const before = (await listDurableObjectIds(env.LOOKUPS)).length;
    await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 1 } });
    await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 1 } });
    expect((await listDurableObjectIds(env.LOOKUPS)).length).toBeGreaterThanOrEqual(before + 2);
  });

  it('a new identical lookup after the first has finished comes from the cache', async () => {
    const page = slowPage(50);
    await call(PAGE_ROUTE, { form: { page, num: 2 } });
    const again = await call(PAGE_ROUTE, { form: { page, num: 2 } });
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(await upstreamRequests(page)).toHaveLength(1);
  });
});
