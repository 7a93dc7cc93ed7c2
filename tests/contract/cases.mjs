// The package's contract (issue 2) as runtime-agnostic cases. The same cases
// run in Node, in workerd and in headless Chromium; each harness imports the
// package by its npm name and passes it in, with the stand-in's URL.
//
// A case is { name, run(ctx) } and throws on failure. ctx = { lib, api, keys,
// seen }: lib is the imported package, api talks to the stand-in's control
// routes, keys are the stand-in's test keys, seen collects every error a case
// observed so the last case can check that no key leaked into any of them.
import {
  SAMPLE_BALANCE,
  SAMPLE_DOMAIN_BACKLINKS,
  SAMPLE_UNIQUE_DOMAIN_BACKLINKS,
  TRICKY_BACKLINKS,
} from '../../stand-in/fixtures.mjs';

export const KEYS = {
  valid: 'ke_test_valid_key',
  noSubscription: 'ke_test_no_subscription',
  bronze: 'ke_test_bronze_plan',
  lowCredits: 'ke_test_low_credits',
  other402: 'ke_test_other_402',
  wrong: 'ke_wrong_key_not_known_0123',
};

// --- assertions that need no node:assert ---------------------------------

function fail(message) {
  throw new Error(message);
}
function eq(actual, expected, what = 'value') {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}
function deepEq(actual, expected, what = 'value') {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e.slice(0, 300)}, got ${a.slice(0, 300)}`);
}
function ok(cond, what) {
  if (!cond) fail(what);
}
function show(v) {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A label for a test input; JSON.stringify throws on some of them. */
function label(v) {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return `${typeof v} that JSON.stringify refuses`;
  }
}

/** Arguments that throw when merely looked at: each must get an invalid_argument error all the same. */
function exotic() {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  return {
    noKeys: new Proxy({}, { ownKeys() { throw new Error('no keys for you'); } }),
    revoked: revocable.proxy,
    throwingGetter: { get page() { throw new Error('no page for you'); }, num: 5 },
    // Passes `instanceof AbortSignal`, but its `aborted` getter throws.
    fakeSignal: Object.create(AbortSignal.prototype),
  };
}

/** Awaits a call that must reject with a KeywordsEverywhereError of `code`. */
async function rejects(ctx, promiseOrFn, code, what = code) {
  let promise;
  try {
    promise = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
  } catch (e) {
    fail(`${what}: threw synchronously (${e && e.message}) instead of rejecting`);
  }
  ok(promise instanceof Promise, `${what}: did not return a Promise`);
  try {
    await promise;
  } catch (e) {
    ctx.seen.push(e);
    ok(e instanceof ctx.lib.KeywordsEverywhereError, `${what}: not a KeywordsEverywhereError: ${e}`);
    ok(e instanceof Error, `${what}: not an Error`);
    eq(e.name, 'KeywordsEverywhereError', `${what}: name`);
    eq(e.code, code, `${what}: code (message: ${e.message})`);
    ok(typeof e.message === 'string' && e.message.length > 20, `${what}: message too short`);
    return e;
  }
  fail(`${what}: resolved, expected a rejection with ${code}`);
}

/** Calls a constructor or function that must throw `code`. */
function throws(ctx, fn, code, what) {
  try {
    fn();
  } catch (e) {
    ctx.seen.push(e);
    ok(e instanceof ctx.lib.KeywordsEverywhereError, `${what}: not a KeywordsEverywhereError: ${e}`);
    eq(e.code, code, `${what}: code (message: ${e.message})`);
    return e;
  }
  fail(`${what}: did not throw`);
}

// --- the stand-in's control routes ----------------------------------------

/** @param {string} base the stand-in's URL */
export function standInControl(base) {
  return {
    base,
    async fault(...faults) {
      const r = await fetch(`${base}/__control/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      if (!r.ok) fail(`fault not queued: ${r.status} ${await r.text()}`);
    },
    async clearFaults() {
      await fetch(`${base}/__control/faults`, { method: 'DELETE' });
    },
    async log() {
      // Lookups and balance requests alike.
      return (await fetch(`${base}/__control/log?balance=1`)).json();
    },
    async clearLog() {
      await fetch(`${base}/__control/log`, { method: 'DELETE' });
    },
    async setBalance(key, credits) {
      const r = await fetch(`${base}/__control/balance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key, credits }),
      });
      if (!r.ok) fail(`balance not set: ${r.status} ${await r.text()}`);
    },
    async resetBalances() {
      await fetch(`${base}/__control/balance`, { method: 'DELETE' });
    },
  };
}

/** Whether this runs in a browser, whose fetch hides a redirect's status. */
const inBrowser = typeof document !== 'undefined';

function client(ctx, options = {}) {
  return new ctx.lib.BacklinksClient({ apiKey: KEYS.valid, baseUrl: ctx.api.base, ...options });
}

/** Runs `fn`, then checks how many requests reached the stand-in meanwhile. */
async function expectRequests(ctx, count, fn) {
  await ctx.api.clearLog();
  const out = await fn();
  const log = await ctx.api.log();
  eq(log.length, count, 'requests that reached the stand-in');
  return { out, log };
}

const PAGE = 'https://example.com/';

export const cases = [
  {
    name: 'exports a client class, an Error subclass and estimateCredits',
    async run(ctx) {
      const { BacklinksClient, KeywordsEverywhereError, estimateCredits } = ctx.lib;
      eq(typeof BacklinksClient, 'function', 'BacklinksClient');
      eq(typeof estimateCredits, 'function', 'estimateCredits');
      ok(KeywordsEverywhereError.prototype instanceof Error, 'KeywordsEverywhereError extends Error');
    },
  },
  {
    name: 'estimateCredits gives the worst case and refuses bad input',
    async run(ctx) {
      const { estimateCredits } = ctx.lib;
      eq(estimateCredits('page', 7), 7);
      eq(estimateCredits('unique', 7), 35);
      eq(estimateCredits('unique', 10000), 50000);
      eq(estimateCredits('unique_page', 7), 35);
      eq(estimateCredits('domain', 7), 7);
      eq(estimateCredits('unique_domain', 10000), 50000);
      for (const kind of ['domains', 'Page', '', 5, undefined]) {
        const e = throws(ctx, () => estimateCredits(kind, 5), 'invalid_argument', `bad kind ${String(kind)}`);
        eq(e.field, 'kind', 'field');
        ok(/unique_domain/.test(e.message), e.message);
      }
      for (const num of [0, 10001, 2.5, NaN, '5', undefined]) {
        const e = throws(ctx, () => estimateCredits('page', num), 'invalid_argument', `num ${String(num)}`);
        eq(e.field, 'num', 'field');
      }
    },
  },
  {
    name: 'the constructor throws invalid_argument naming the bad option',
    async run(ctx) {
      const { BacklinksClient } = ctx.lib;
      const base = ctx.api.base;
      const bad = [
        [{ apiKey: '' }, 'apiKey'],
        [{ apiKey: 5 }, 'apiKey'],
        [{ apiKey: 'has space' }, 'apiKey'],
        [{ apiKey: 'k', baseUrl: 'ftp://x.example' }, 'baseUrl'],
        [{ apiKey: 'k', baseUrl: 'not a url' }, 'baseUrl'],
        [{ apiKey: 'k', baseUrl: 'https://x.example/?q=1' }, 'baseUrl'],
        [{ apiKey: 'k', timeoutMs: 0 }, 'timeoutMs'],
        [{ apiKey: 'k', timeoutMs: 600001 }, 'timeoutMs'],
        [{ apiKey: 'k', timeoutMs: 1.5 }, 'timeoutMs'],
        [{ apiKey: 'k', timeoutMs: '100' }, 'timeoutMs'],
        [{ apiKey: 'k', maxRetries: -1 }, 'maxRetries'],
        [{ apiKey: 'k', maxRetries: 11 }, 'maxRetries'],
        [{ apiKey: 'k', retries: 2 }, 'options'],
        ['k', 'options'],
        [null, 'options'],
        [exotic().noKeys, 'options'],
        [exotic().revoked, 'options'],
        [{ apiKey: 'k', get baseUrl() { throw new Error('no base'); } }, 'options'],
      ];
      for (const [options, field] of bad) {
        const e = throws(ctx, () => new BacklinksClient(options), 'invalid_argument', label(options));
        eq(e.field, field, `field for ${label(options)}`);
      }
      for (const options of [undefined, {}, { baseUrl: 'https://api.keywordseverywhere.com/' }]) {
        const e = throws(ctx, () => new BacklinksClient(options), 'invalid_argument', 'no key for the real API');
        eq(e.field, 'apiKey');
        ok(/proxy/.test(e.message), `message names the proxy option: ${e.message}`);
      }
      // A proxy needs no key; a trailing slash is fine; the limits are inclusive.
      new BacklinksClient({ baseUrl: `${base}/` });
      new BacklinksClient({ apiKey: 'k', timeoutMs: 1, maxRetries: 0 });
      new BacklinksClient({ apiKey: 'k', timeoutMs: 600000, maxRetries: 10 });
    },
  },
  {
    name: 'sends the documented request and returns the documented answer',
    async run(ctx) {
      const c = client(ctx);
      const { out, log } = await expectRequests(ctx, 1, () => c.getPageBacklinks({ page: PAGE, num: 5 }));
      const [req] = log;
      eq(req.method, 'POST');
      eq(req.path, '/v1/get_page_backlinks');
      eq(req.contentType, 'application/x-www-form-urlencoded');
      eq(req.accept, 'application/json');
      eq(req.authorization, `Bearer ${KEYS.valid}`);
      eq(req.rawBody, 'page=https%3A%2F%2Fexample.com%2F&num=5');
      eq(out.data.length, 5);
      eq(out.credits_consumed, 5);
      eq(out.time_taken, 0.98);
      deepEq(Object.keys(out).sort(), ['credits_consumed', 'data', 'time_taken']);
      deepEq(out.data[1], {
        anchor_text: 'Hoopla!',
        domain_source: 'reddit.com',
        domain_target: 'example.com',
        url_source: 'https://www.reddit.com/user/therealadyjewel',
        url_target: 'https://example.com',
      });
    },
  },
  {
    name: 'the unique endpoint charges 5 credits per backlink',
    async run(ctx) {
      const c = client(ctx);
      const { out, log } = await expectRequests(ctx, 1, () => c.getUniquePageBacklinks({ page: PAGE, num: 5 }));
      eq(log[0].path, '/v1/get_unique_page_backlinks');
      eq(out.credits_consumed, 25);
      eq(out.data[1].anchor_text, 'カレー');
      const domains = new Set(out.data.map((b) => b.domain_source));
      eq(domains.size, out.data.length, 'one backlink per source domain');
    },
  },
  {
    name: 'a page holding &, #, ?, spaces and non-ASCII (U+FFFD too) reaches the server intact',
    async run(ctx) {
      const c = client(ctx);
      // A real U+FFFD takes the path that tells it from a lone surrogate.
      const page = 'https://bücher.example/a b/c?x=1&y=2+3&z=%41#frag カレー \uFFFD';
      const { out, log } = await expectRequests(ctx, 1, () => c.getPageBacklinks({ page, num: 2 }));
      eq(log[0].form.page, page, 'page as the server decoded it');
      eq(log[0].form.num, '2');
      eq(out.data[0].url_target, page);
    },
  },
  {
    name: 'generated results: num=10000 returns 10000 backlinks',
    async run(ctx) {
      const out = await client(ctx).getPageBacklinks({ page: 'https://big.example/', num: 10000 });
      eq(out.data.length, 10000);
      eq(out.credits_consumed, 10000);
      ok(out.data.every((b) => typeof b.url_source === 'string' && b.url_source.startsWith('https://')), 'url_source');
    },
  },
  {
    name: 'invalid page and num are rejected before anything is sent, never thrown',
    async run(ctx) {
      const c = client(ctx);
      const bad = [
        [{ num: 5 }, 'page'],
        [{ page: '/relative/path', num: 5 }, 'page'],
        [{ page: 'example.com', num: 5 }, 'page'],
        [{ page: 'ftp://example.com/', num: 5 }, 'page'],
        [{ page: 'javascript:alert(1)', num: 5 }, 'page'],
        [{ page: 42, num: 5 }, 'page'],
        [{ page: new URL(PAGE), num: 5 }, 'page'],
        [{ page: 'https://example.com/\uD800', num: 5 }, 'page'],
        [{ page: PAGE }, 'num'],
        [{ page: PAGE, num: 0 }, 'num'],
        [{ page: PAGE, num: 10001 }, 'num'],
        [{ page: PAGE, num: 2.5 }, 'num'],
        [{ page: PAGE, num: NaN }, 'num'],
        [{ page: PAGE, num: '5' }, 'num'],
        [{ page: PAGE, num: 5, signal: 'no' }, 'signal'],
        [{ page: PAGE, num: 5, limit: 5 }, 'params'],
        [null, 'params'],
        ['https://example.com/', 'params'],
        [undefined, 'page'],
        [exotic().noKeys, 'params'],
        [exotic().revoked, 'params'],
        [exotic().throwingGetter, 'params'],
        [{ page: exotic().revoked, num: 5 }, 'page'],
        [{ page: PAGE, num: 5, signal: exotic().fakeSignal }, 'signal'],
      ];
      await expectRequests(ctx, 0, async () => {
        for (const [params, field] of bad) {
          const e = await rejects(ctx, () => c.getPageBacklinks(params), 'invalid_argument', label(params));
          eq(e.field, field, `field for ${label(params)}`);
          eq(e.status, undefined, 'no status without a response');
        }
        const e = await rejects(ctx, () => c.getUniquePageBacklinks({ page: PAGE, num: '5' }), 'invalid_argument', 'string num');
        ok(/not a string/.test(e.message), e.message);
      });
    },
  },
  {
    name: 'params are read at call time: changing them afterwards changes nothing',
    async run(ctx) {
      const params = { page: PAGE, num: 2 };
      const p = client(ctx).getPageBacklinks(params);
      params.num = 10000;
      params.page = 'https://other.example/';
      const out = await p;
      eq(out.data.length, 2);
      eq(out.data[0].domain_target, 'example.com');
    },
  },
  {
    name: 'each property of params is read exactly once, whatever their shape',
    async run(ctx) {
      const c = client(ctx);
      const other = 'https://other.example/';
      // Each field's getter gives its next value on each read, and counts them.
      const counted = (fields) => {
        const reads = {};
        const params = {};
        for (const [name, values] of Object.entries(fields)) {
          reads[name] = 0;
          Object.defineProperty(params, name, { enumerable: true, get: () => values[reads[name]++ % values.length] });
        }
        return { params, reads };
      };
      const sent = [
        // num first; a signal; a signal left undefined
        { num: [2, 3], page: [PAGE, other] },
        { page: [PAGE, other], num: [2, 3], signal: [new AbortController().signal] },
        { page: [PAGE, other], num: [2, 3], signal: [undefined] },
      ];
      for (const fields of sent) {
        const { params, reads } = counted(fields);
        const { out, log } = await expectRequests(ctx, 1, () => c.getPageBacklinks(params));
        eq(log[0].form.page, PAGE, 'the page as first read');
        eq(log[0].form.num, '2', 'num as first read');
        eq(out.data.length, 2);
        for (const name of Object.keys(fields)) eq(reads[name], 1, `reads of ${name} in ${Object.keys(fields)}`);
      }
      const refused = [
        [{ page: [PAGE], num: ['2'] }, 'num'],
        [{ page: [42], num: [2] }, 'page'],
        [{ page: [PAGE], num: [2], signal: ['no'] }, 'signal'],
        [{ page: [PAGE], num: [2], limit: [5] }, 'params'],
      ];
      await expectRequests(ctx, 0, async () => {
        for (const [fields, field] of refused) {
          const { params, reads } = counted(fields);
          const e = await rejects(ctx, () => c.getPageBacklinks(params), 'invalid_argument', `${Object.keys(fields)}`);
          eq(e.field, field, 'field');
          for (const name of Object.keys(fields)) eq(reads[name], 1, `reads of ${name} in ${Object.keys(fields)}`);
        }
      });
    },
  },
  {
    name: 'pages of 2 KB and more, in ASCII or not, reach the server intact',
    async run(ctx) {
      const c = client(ctx);
      const base = 'https://long.example/'; // 21 bytes
      // 2048 bytes is the most the package reads in one call; longer ones
      // take the general way, as does one whose last character straddles it.
      for (const page of [base + 'a'.repeat(2027), base + 'a'.repeat(2028), base + 'é'.repeat(1014), base + 'ü'.repeat(3000)]) {
        const { out, log } = await expectRequests(ctx, 1, () => c.getPageBacklinks({ page, num: 1 }));
        eq(log[0].form.page, page, `page of ${new TextEncoder().encode(page).length} bytes as the server decoded it`);
        eq(out.data[0].url_target, page);
      }
    },
  },
  {
    name: 'an already-aborted signal rejects with aborted and sends nothing',
    async run(ctx) {
      const controller = new AbortController();
      controller.abort();
      await expectRequests(ctx, 0, () =>
        rejects(ctx, client(ctx).getPageBacklinks({ page: PAGE, num: 5, signal: controller.signal }), 'aborted'),
      );
    },
  },
  {
    name: 'aborting during a request rejects with aborted at once',
    async run(ctx) {
      await ctx.api.fault({ delayMs: 3000 });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 50);
      await rejects(ctx, client(ctx).getPageBacklinks({ page: PAGE, num: 5, signal: controller.signal }), 'aborted');
      ok(Date.now() - started < 1500, 'settled long before the answer');
      await ctx.api.clearFaults();
    },
  },
  {
    name: 'aborting during a retry wait rejects with aborted and sends no more',
    async run(ctx) {
      await ctx.api.fault({ status: 429, retryAfter: '5', times: 5 });
      const controller = new AbortController();
      const started = Date.now();
      await expectRequests(ctx, 1, async () => {
        setTimeout(() => controller.abort(), 200);
        await rejects(ctx, client(ctx, { maxRetries: 3 }).getPageBacklinks({ page: PAGE, num: 5, signal: controller.signal }), 'aborted');
      });
      ok(Date.now() - started < 2000, 'did not wait out Retry-After');
      await ctx.api.clearFaults();
    },
  },
  {
    name: 'API errors map to their codes with status and description',
    async run(ctx) {
      const cases = [
        [KEYS.wrong, 'unauthorized', 401, undefined],
        [KEYS.noSubscription, 'subscription_required', 402, 'A valid subscription is required to access this resource.'],
        [KEYS.bronze, 'plan_required', 402, 'A Gold or Platinum Plan subscription is required to access this resource.'],
        [KEYS.lowCredits, 'insufficient_credits', 402, 'You do not have sufficient credits to complete this request.'],
        [KEYS.other402, 'payment_required', 402, 'Your last payment failed.'],
      ];
      for (const [apiKey, code, status, description] of cases) {
        // Errors that are not retryable are tried once.
        await expectRequests(ctx, 1, async () => {
          const e = await rejects(ctx, client(ctx, { apiKey }).getUniquePageBacklinks({ page: PAGE, num: 100 }), code);
          eq(e.status, status, `${code} status`);
          eq(e.description, description, `${code} description`);
        });
      }
      await ctx.api.fault({ status: 400, body: '{"message":"400 Invalid Request","description":"The page parameter is invalid."}' });
      const e = await rejects(ctx, client(ctx).getPageBacklinks({ page: PAGE, num: 5 }), 'bad_request');
      eq(e.description, 'The page parameter is invalid.');
      await ctx.api.fault({ status: 404, body: '{"message":"404 Not Found"}' });
      eq((await rejects(ctx, client(ctx).getPageBacklinks({ page: PAGE, num: 5 }), 'http_error')).status, 404);
    },
  },
  {
    name: '5xx is retried maxRetries times, then server_error',
    async run(ctx) {
      await ctx.api.fault({ status: 503, times: 3 });
      await expectRequests(ctx, 3, async () => {
        const e = await rejects(ctx, client(ctx, { maxRetries: 2 }).getPageBacklinks({ page: PAGE, num: 5 }), 'server_error');
        eq(e.status, 503);
      });
      await ctx.api.fault({ status: 500, times: 1 });
      const { out } = await expectRequests(ctx, 2, () => client(ctx, { maxRetries: 1 }).getPageBacklinks({ page: PAGE, num: 5 }));
      eq(out.data.length, 5);
      await ctx.api.fault({ status: 502 });
      await expectRequests(ctx, 1, () =>
        rejects(ctx, client(ctx, { maxRetries: 0 }).getPageBacklinks({ page: PAGE, num: 5 }), 'server_error'),
      );
    },
  },
  {
    name: '429 honours Retry-After in seconds and as an HTTP date, then rate_limited',
    async run(ctx) {
      await ctx.api.fault({ status: 429, retryAfter: '1' });
      let started = Date.now();
      const { out } = await expectRequests(ctx, 2, () => client(ctx, { maxRetries: 1 }).getPageBacklinks({ page: PAGE, num: 1 }));
      eq(out.data.length, 1);
      ok(Date.now() - started >= 900, `waited about 1 s (${Date.now() - started} ms)`);
      const date = new Date(Date.now() + 1500).toUTCString();
      await ctx.api.fault({ status: 429, retryAfter: date });
      started = Date.now();
      await expectRequests(ctx, 2, () => client(ctx, { maxRetries: 1 }).getPageBacklinks({ page: PAGE, num: 1 }));
      ok(Date.now() - started >= 400, 'waited for the HTTP date');
      await ctx.api.fault({ status: 429, retryAfter: '0', times: 2 });
      const e = await rejects(ctx, client(ctx, { maxRetries: 1 }).getPageBacklinks({ page: PAGE, num: 1 }), 'rate_limited');
      eq(e.retryAfter, 0);
      eq(e.status, 429);
      await ctx.api.fault({ status: 429, retryAfter: '3600' });
      await expectRequests(ctx, 1, async () => {
        const long = await rejects(ctx, client(ctx, { maxRetries: 3 }).getPageBacklinks({ page: PAGE, num: 1 }), 'rate_limited');
        eq(long.retryAfter, 3600, 'a wait past 60 s is handed to the caller');
      });
    },
  },
  {
    name: 'an attempt slower than timeoutMs is a timeout, not retried',
    async run(ctx) {
      await ctx.api.fault({ delayMs: 1500 });
      await expectRequests(ctx, 1, () =>
        rejects(ctx, client(ctx, { timeoutMs: 200, maxRetries: 2 }).getPageBacklinks({ page: PAGE, num: 5 }), 'timeout'),
      );
      await ctx.api.fault({ stallBodyMs: 1500 });
      await rejects(ctx, client(ctx, { timeoutMs: 300, maxRetries: 0 }).getPageBacklinks({ page: PAGE, num: 5 }), 'timeout', 'stalled body');
      await ctx.api.clearFaults();
    },
  },
  {
    // A call with a signal of its own times out through another path in
    // browsers (see tuneForBrowsers in js/transport.js).
    name: 'with a signal that never aborts, an attempt slower than timeoutMs is still a timeout',
    async run(ctx) {
      await ctx.api.fault({ delayMs: 1500 });
      const { signal } = new AbortController();
      await expectRequests(ctx, 1, () =>
        rejects(ctx, client(ctx, { timeoutMs: 200, maxRetries: 2 }).getPageBacklinks({ page: PAGE, num: 5, signal }), 'timeout'),
      );
      await ctx.api.clearFaults();
    },
  },
  {
    name: 'no server is a network_error after the retries',
    async run(ctx) {
      const c = new ctx.lib.BacklinksClient({ baseUrl: 'http://127.0.0.1:9', maxRetries: 1 });
      const e = await rejects(ctx, c.getPageBacklinks({ page: PAGE, num: 1 }), 'network_error');
      ok(/2 attempts/.test(e.message), e.message);
    },
  },
  {
    name: 'bodies that are not the documented JSON are invalid_response',
    async run(ctx) {
      const bodies = [
        [{ html: true }, /HTML/],
        [{ truncate: true }, /ends early|truncated/],
        [{ empty: true }, /empty/],
        [{ body: '{"data":{}}' }, /not an array/],
        [{ body: '{"data":"x"}' }, /not an array/],
        [{ body: '{"credits_consumed":5}' }, /no `data`/],
        [{ body: '{"data":[{"anchor_text":{}}]}' }, /anchor_text/],
        [{ body: '{"data":["x"]}' }, /not an object/],
      ];
      for (const [fault, says] of bodies) {
        await ctx.api.fault(fault);
        const e = await rejects(ctx, client(ctx, { maxRetries: 0 }).getPageBacklinks({ page: PAGE, num: 5 }), 'invalid_response', JSON.stringify(fault));
        ok(says.test(e.message), `${JSON.stringify(fault)}: ${e.message}`);
        eq(e.status, 200);
      }
    },
  },
  {
    name: 'text comes back byte-exact; null and missing fields become ""; numbers default to 0',
    async run(ctx) {
      const out = await client(ctx).getPageBacklinks({ page: 'https://tricky.example/', num: 100 });
      const expected = TRICKY_BACKLINKS.map((b) => ({
        anchor_text: b.anchor_text ?? '',
        domain_source: b.domain_source,
        domain_target: b.domain_target,
        url_source: b.url_source,
        url_target: b.url_target,
      }));
      eq(out.data.length, expected.length);
      out.data.forEach((b, i) => {
        for (const key of Object.keys(expected[i])) eq(b[key], expected[i][key], `data[${i}].${key}`);
      });
      ok(out.data.some((b) => b.anchor_text.includes('\u2028') && b.anchor_text.includes('\u0000')), 'U+2028 and NUL kept');
      await ctx.api.fault({ body: '{"data":[{"anchor_text":"a","extra":{"x":[1]}}]}' });
      const sparse = await client(ctx).getPageBacklinks({ page: PAGE, num: 5 });
      eq(sparse.credits_consumed, 0);
      eq(sparse.time_taken, 0);
      eq(sparse.data[0].anchor_text, 'a');
      for (const key of ['domain_source', 'domain_target', 'url_source', 'url_target']) eq(sparse.data[0][key], '', `sparse data[0].${key}`);
    },
  },
  {
    name: 'a client without apiKey sends no Authorization header',
    async run(ctx) {
      const c = new ctx.lib.BacklinksClient({ baseUrl: ctx.api.base });
      const { log } = await expectRequests(ctx, 1, () => rejects(ctx, c.getPageBacklinks({ page: PAGE, num: 1 }), 'unauthorized'));
      eq(log[0].authorization, null);
    },
  },
  {
    name: 'getDomainBacklinks sends the documented request and returns the documented answer',
    async run(ctx) {
      const c = client(ctx);
      for (const [method, path, sample, credits, time] of [
        ['getDomainBacklinks', '/v1/get_domain_backlinks', SAMPLE_DOMAIN_BACKLINKS, 5, 2.02],
        ['getUniqueDomainBacklinks', '/v1/get_unique_domain_backlinks', SAMPLE_UNIQUE_DOMAIN_BACKLINKS, 25, 0.66],
      ]) {
        const { out, log } = await expectRequests(ctx, 1, () => c[method]({ domain: 'example.com', num: 5 }));
        const [req] = log;
        eq(req.method, 'POST', `${method} method`);
        eq(req.path, path, `${method} path`);
        eq(req.contentType, 'application/x-www-form-urlencoded');
        eq(req.accept, 'application/json');
        eq(req.authorization, `Bearer ${KEYS.valid}`);
        eq(req.rawBody, 'domain=example.com&num=5', `${method} body`);
        deepEq(out, { data: sample, credits_consumed: credits, time_taken: time }, `${method} answer`);
      }
      // Sent exactly as given; generated data for other domains.
      const { out, log } = await expectRequests(ctx, 1, () => c.getUniqueDomainBacklinks({ domain: 'Blog.Example.co.uk', num: 7 }));
      eq(log[0].rawBody, 'domain=Blog.Example.co.uk&num=7');
      eq(out.data.length, 7);
      eq(out.credits_consumed, 35);
      eq(new Set(out.data.map((b) => b.domain_source)).size, 7, 'one backlink per source domain');
    },
  },
  {
    name: 'a bad domain is refused with field domain before anything is sent, saying what to pass',
    async run(ctx) {
      const c = client(ctx);
      const bad = [
        ['https://example.com/', /is a URL: pass `example.com`, not a URL/],
        ['http://example.com', /pass `example.com`, not a URL/],
        ['', /`domain` is empty/],
        ['   ', /white space/],
        [' example.com', /white space: pass `example.com`/],
        ['exa mple.com', /white space/],
        ['example.com/blog', /holds a path: pass `example.com`/],
        ['example.com:8080', /holds a port: pass `example.com`/],
        ['user@example.com', /user name \(`user@`\): pass `example.com`/],
        ['example.com?q=1', /query/],
        ['example..com', /empty label/],
        [42, /must be a host name string/],
        [null, /got null/],
        [new URL('https://example.com/'), /got a value of type object/],
        [['example.com'], /got a value of type array/],
        [undefined, /`domain` is required/],
        ['example.com\uD800', /unpaired/],
      ];
      await expectRequests(ctx, 0, async () => {
        for (const [domain, says] of bad) {
          for (const method of ['getDomainBacklinks', 'getUniqueDomainBacklinks']) {
            const e = await rejects(ctx, () => c[method]({ domain, num: 5 }), 'invalid_argument', `${method} ${label(domain)}`);
            eq(e.field, 'domain', `field for ${label(domain)}`);
            ok(says.test(e.message), `${label(domain)}: ${e.message}`);
          }
        }
        const e = await rejects(ctx, () => c.getDomainBacklinks({ page: PAGE, num: 5 }), 'invalid_argument', 'page to a domain lookup');
        eq(e.field, 'params');
        ok(/Did you mean `domain`\?/.test(e.message), e.message);
        const p = await rejects(ctx, () => c.getPageBacklinks({ domain: 'example.com', num: 5 }), 'invalid_argument', 'domain to a page lookup');
        ok(/getDomainBacklinks/.test(p.message), p.message);
        eq((await rejects(ctx, () => c.getDomainBacklinks({ domain: 'example.com', num: 0 }), 'invalid_argument')).field, 'num');
      });
    },
  },
  {
    name: 'getCredits sends the documented GET and resolves to the balance, which lookups spend',
    async run(ctx) {
      const c = client(ctx);
      const { out: before, log } = await expectRequests(ctx, 1, () => c.getCredits());
      const [req] = log;
      eq(req.method, 'GET');
      eq(req.path, '/v1/account/credits');
      eq(req.accept, 'application/json');
      eq(req.authorization, `Bearer ${KEYS.valid}`);
      eq(req.rawBody, '', 'no body');
      eq(typeof before, 'number');
      ok(before > 0 && before <= SAMPLE_BALANCE, `a balance: ${before}`);
      const spent = await c.getUniqueDomainBacklinks({ domain: 'example.com', num: 3 });
      eq(spent.credits_consumed, 15);
      eq(await c.getCredits({}), before - 15, 'the balance after a lookup');
      eq(await c.getCredits({ signal: new AbortController().signal }), before - 15);
      eq(await new ctx.lib.BacklinksClient({ apiKey: KEYS.noSubscription, baseUrl: ctx.api.base }).getCredits(), 0);
      await expectRequests(ctx, 0, async () => {
        eq((await rejects(ctx, () => c.getCredits({ num: 1 }), 'invalid_argument')).field, 'params');
        eq((await rejects(ctx, () => c.getCredits({ signal: 'no' }), 'invalid_argument')).field, 'signal');
        eq((await rejects(ctx, () => c.getCredits(5), 'invalid_argument')).field, 'params');
        const controller = new AbortController();
        controller.abort();
        await rejects(ctx, () => c.getCredits({ signal: controller.signal }), 'aborted');
      });
      const wrong = await rejects(ctx, () => client(ctx, { apiKey: KEYS.wrong }).getCredits(), 'unauthorized');
      eq(wrong.status, 401);
    },
  },
  {
    name: 'getCredits: anything but a one-element array holding a number is invalid_response; 5xx is retried',
    async run(ctx) {
      const c = client(ctx, { maxRetries: 0 });
      for (const body of ['{"credits":5}', '[]', '[1,2]', '["5"]', '[null]', '5', '[5', '[1e999]']) {
        await ctx.api.fault({ body, endpoint: 'balance' });
        const e = await rejects(ctx, () => c.getCredits(), 'invalid_response', body);
        eq(e.status, 200);
      }
      await ctx.api.fault({ html: true, endpoint: 'balance' });
      ok(/HTML/.test((await rejects(ctx, () => c.getCredits(), 'invalid_response')).message), 'HTML');
      await ctx.api.fault({ status: 503, endpoint: 'balance' });
      const { out } = await expectRequests(ctx, 2, () => client(ctx, { maxRetries: 1 }).getCredits());
      eq(typeof out, 'number');
    },
  },
  {
    name: 'a lookup costing more than the balance gets 402 insufficient_credits',
    async run(ctx) {
      await ctx.api.setBalance(KEYS.lowCredits, 10);
      try {
        const c = client(ctx, { apiKey: KEYS.lowCredits });
        eq(await c.getCredits(), 10);
        await rejects(ctx, () => c.getUniqueDomainBacklinks({ domain: 'example.com', num: 3 }), 'insufficient_credits');
        eq((await c.getUniqueDomainBacklinks({ domain: 'example.com', num: 2 })).credits_consumed, 10);
        eq(await c.getCredits(), 0);
        const e = await rejects(ctx, () => c.getDomainBacklinks({ domain: 'example.com', num: 1 }), 'insufficient_credits');
        eq(e.status, 402);
        eq(e.description, 'You do not have sufficient credits to complete this request.');
      } finally {
        await ctx.api.resetBalances();
      }
    },
  },
  {
    name: 'paid answers are read leniently: numeric strings, non-finite numbers, data null, numbers and booleans as text',
    async run(ctx) {
      const c = client(ctx, { maxRetries: 0 });
      const item = (fields) => JSON.stringify({ anchor_text: 'a', domain_source: 'b', domain_target: 'c', url_source: 'd', url_target: 'e', ...fields });
      const answers = [
        ['{"data":[],"credits_consumed":"2","time_taken":"0.5"}', (o) => eq(o.credits_consumed, 2) || eq(o.time_taken, 0.5)],
        ['{"data":[],"credits_consumed":" 7 ","time_taken":"1e1"}', (o) => eq(o.credits_consumed, 7) || eq(o.time_taken, 10)],
        ['{"data":[],"credits_consumed":1e999,"time_taken":-1e999}', (o) => eq(o.credits_consumed, 0) || eq(o.time_taken, 0)],
        ['{"data":[],"credits_consumed":"lots","time_taken":true}', (o) => eq(o.credits_consumed, 0) || eq(o.time_taken, 0)],
        ['{"data":null,"credits_consumed":0,"time_taken":0.1}', (o) => deepEq(o.data, []) || eq(o.time_taken, 0.1)],
        [`{"data":[${item({ anchor_text: 42, url_source: true, domain_source: false, url_target: 2.5 })}]}`,
          (o) => deepEq(o.data[0], { anchor_text: '42', domain_source: 'false', domain_target: 'c', url_source: 'true', url_target: '2.5' })],
        [`{"data":[${item({})}],"credits_consumed":1,"time_taken":0.2,"request_id":"r-1","extra":{"x":[1]}}`,
          (o) => eq(o.request_id, 'r-1') || deepEq(o.extra, { x: [1] }) || eq(o.data[0].anchor_text, 'a')],
      ];
      for (const [body, check] of answers) {
        await ctx.api.fault({ body });
        for (const method of ['getPageBacklinks', 'getDomainBacklinks']) {
          if (method === 'getDomainBacklinks') await ctx.api.fault({ body });
          const params = method === 'getPageBacklinks' ? { page: PAGE, num: 5 } : { domain: 'example.com', num: 5 };
          let out;
          try {
            out = await c[method](params);
          } catch (e) {
            fail(`${body}: ${method} rejected: ${e.message}`);
          }
          check(out);
        }
      }
    },
  },
  {
    name: 'what is not a paid answer stays invalid_response: HTML, truncated JSON, no data, a 2xx error object',
    async run(ctx) {
      const c = client(ctx, { maxRetries: 2 });
      const bodies = [
        [{ html: true }, /HTML/],
        [{ truncate: true }, /ends early|truncated/],
        [{ body: '{"credits_consumed":5,"time_taken":1}' }, /no `data`/],
        [{ body: '{"message":"402 Insufficient Credits","description":"You do not have sufficient credits to complete this request."}' }, /error answer, not backlinks: it says "402 Insufficient Credits"/],
        [{ body: '{"data":null,"error":"quota exceeded"}' }, /error answer, not backlinks: it says "quota exceeded"/],
      ];
      for (const [fault, says] of bodies) {
        for (const call of [() => c.getPageBacklinks({ page: PAGE, num: 5 }), () => c.getUniqueDomainBacklinks({ domain: 'example.com', num: 5 })]) {
          await ctx.api.fault(fault);
          await expectRequests(ctx, 1, async () => {
            const e = await rejects(ctx, call, 'invalid_response', JSON.stringify(fault));
            ok(says.test(e.message), `${JSON.stringify(fault)}: ${e.message}`);
            eq(e.status, 200);
          });
        }
      }
    },
  },
  {
    name: 'a redirect is not followed: one request, http_error with its status (network_error where the browser hides it), not retried',
    async run(ctx) {
      const c = client(ctx, { maxRetries: 3 });
      for (const status of [301, 302, 303, 307, 308]) {
        for (const [method, params, path] of [
          ['getPageBacklinks', { page: PAGE, num: 5 }, '/v1/get_page_backlinks'],
          ['getDomainBacklinks', { domain: 'example.com', num: 5 }, '/v1/get_domain_backlinks'],
          ['getCredits', undefined, '/v1/account/credits'],
        ]) {
          // A loop: the redirect points back at the endpoint itself. Not
          // stored: a browser keeps a 301 or 308 to a GET in its cache, and
          // would answer the next getCredits from there.
          const headers = { Location: `${ctx.api.base}${path}`, 'Cache-Control': 'no-store' };
          await ctx.api.fault({ status, headers, times: 5, endpoint: method === 'getCredits' ? 'balance' : 'lookup' });
          await expectRequests(ctx, 1, async () => {
            const e = await rejects(ctx, () => c[method](params), inBrowser ? 'network_error' : 'http_error', `${status} ${method}`);
            eq(e.status, inBrowser ? undefined : status, 'status');
            ok(/redirect/.test(e.message) && /not followed/.test(e.message), e.message);
          });
          await ctx.api.clearFaults();
        }
      }
    },
  },
  {
    name: 'x-should-retry: false on an error answer is not retried; a proxy\'s {code, message} is quoted once',
    async run(ctx) {
      const c = client(ctx, { maxRetries: 2 });
      const body = JSON.stringify({ code: 'upstream_error', message: 'The Keywords Everywhere API failed; retried 2 times.' });
      await ctx.api.fault({ status: 503, body, headers: { 'x-should-retry': 'false' }, times: 3 });
      await expectRequests(ctx, 1, async () => {
        const e = await rejects(ctx, () => c.getDomainBacklinks({ domain: 'example.com', num: 5 }), 'server_error');
        eq(e.status, 503);
        eq(e.message.split('The Keywords Everywhere API failed').length, 2, `quoted once: ${e.message}`);
        ok(e.message.includes('(upstream_error)'), e.message);
      });
      await ctx.api.clearFaults();
      await ctx.api.fault({ status: 429, retryAfter: '0', headers: { 'x-should-retry': 'False' }, times: 3 });
      await expectRequests(ctx, 1, () => rejects(ctx, () => c.getPageBacklinks({ page: PAGE, num: 5 }), 'rate_limited'));
      await ctx.api.clearFaults();
      // Without the header, the same answer is retried.
      await ctx.api.fault({ status: 503, body, times: 1 });
      const { out } = await expectRequests(ctx, 2, () => c.getPageBacklinks({ page: PAGE, num: 5 }));
      eq(out.data.length, 5);
      // A proxy's code decides between the 402s.
      await ctx.api.fault({ status: 402, body: JSON.stringify({ code: 'insufficient_credits', message: 'The budget of this proxy is spent.' }) });
      const spent = await rejects(ctx, () => c.getPageBacklinks({ page: PAGE, num: 5 }), 'insufficient_credits');
      eq(spent.message.split('The budget of this proxy is spent.').length, 2, spent.message);
    },
  },
  {
    name: 'lookupBody resolves to the checked body exactly as received and its credits, with the same checks and errors',
    async run(ctx) {
      const c = client(ctx, { maxRetries: 0 });
      const odd = '{ "data" : [ ] ,"credits_consumed": "3", "time_taken":0.5,"worker_cache":"HIT" }';
      for (const [kind, params] of [
        ['page', { page: PAGE, num: 5 }],
        ['unique', { page: PAGE, num: 5 }],
        ['unique_page', { page: PAGE, num: 5 }],
        ['domain', { domain: 'example.com', num: 5 }],
        ['unique_domain', { domain: 'example.com', num: 5 }],
      ]) {
        await ctx.api.fault({ body: odd });
        const { out, log } = await expectRequests(ctx, 1, () => c.lookupBody(kind, params));
        deepEq(Object.keys(out).sort(), ['body', 'credits_consumed'], kind);
        eq(out.body, odd, `${kind}: the body as received`);
        eq(out.credits_consumed, 3, kind);
        ok(log[0].path.endsWith(kind === 'unique' ? 'unique_page_backlinks' : `${kind}_backlinks`), log[0].path);
      }
      const real = await c.lookupBody('unique_domain', { domain: 'example.com', num: 5 });
      deepEq(JSON.parse(real.body), { data: SAMPLE_UNIQUE_DOMAIN_BACKLINKS, credits_consumed: 25, time_taken: 0.66 });
      eq(real.credits_consumed, 25);
      await ctx.api.fault({ body: '{"data":[]}' });
      eq((await c.lookupBody('page', { page: PAGE, num: 5 })).credits_consumed, 0, 'no credits_consumed');
      await expectRequests(ctx, 0, async () => {
        eq((await rejects(ctx, () => c.lookupBody('domains', { domain: 'example.com', num: 5 }), 'invalid_argument')).field, 'kind');
        eq((await rejects(ctx, () => c.lookupBody('domain', { domain: 'https://example.com/', num: 5 }), 'invalid_argument')).field, 'domain');
        eq((await rejects(ctx, () => c.lookupBody('page', { domain: 'example.com', num: 5 }), 'invalid_argument')).field, 'params');
      });
      await ctx.api.fault({ html: true });
      await rejects(ctx, () => c.lookupBody('page', { page: PAGE, num: 5 }), 'invalid_response');
      await rejects(ctx, () => client(ctx, { apiKey: KEYS.lowCredits }).lookupBody('unique_domain', { domain: 'example.com', num: 100 }), 'insufficient_credits');
    },
  },
  {
    name: 'no error ever holds an API key',
    async run(ctx) {
      ok(ctx.seen.length > 40, `errors were collected (${ctx.seen.length})`);
      const keys = Object.values(KEYS);
      for (const e of ctx.seen) {
        const text = JSON.stringify({ ...e, message: e.message, stack: String(e.stack) });
        for (const key of keys) ok(!text.includes(key), `an error holds a key: ${text.slice(0, 200)}`);
      }
    },
  },
];

/**
 * Runs every case in order against `lib` and the stand-in at `standInUrl`.
 * @returns {Promise<Array<{ name: string, ok: boolean, error?: string, ms: number }>>}
 */
export async function runAll(lib, standInUrl) {
  const ctx = { lib, api: standInControl(standInUrl), seen: [] };
  const results = [];
  for (const c of cases) {
    const started = Date.now();
    try {
      await c.run(ctx);
      results.push({ name: c.name, ok: true, ms: Date.now() - started });
    } catch (e) {
      results.push({ name: c.name, ok: false, error: String(e && e.stack ? e.stack : e), ms: Date.now() - started });
      await ctx.api.clearFaults().catch(() => {});
    }
  }
  return results;
}
