// Tests of the local stand-in API (stand-in/server.mjs).
// Run: node --test tests/js/stand-in.test.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TEST_KEYS, TRICKY_BACKLINKS, startStandIn } from '../../stand-in/server.mjs';

const PAGE = '/v1/get_page_backlinks';
const UNIQUE = '/v1/get_unique_page_backlinks';
const DOMAIN = '/v1/get_domain_backlinks';
const UNIQUE_DOMAIN = '/v1/get_unique_domain_backlinks';
const CREDITS = '/v1/account/credits';
const SERVER_PATH = fileURLToPath(new URL('../../stand-in/server.mjs', import.meta.url));

// The documented sample responses, copied from the API docs (not from the fixtures).
const link = (anchor_text, domain_source, url_source) => ({
  anchor_text, domain_source, domain_target: 'example.com', url_source, url_target: 'https://example.com',
});
const DOC_PAGE_SAMPLE = {
  data: [
    link('example.com', 'reddit.com', 'https://www.reddit.com/r/dns/comments/1an8jx0/bind_reverse_lookup_failing'),
    link('Hoopla!', 'reddit.com', 'https://www.reddit.com/user/therealadyjewel'),
    link('example.com', 'reddit.com', 'https://www.reddit.com/r/webdev/comments/nr9rso/how_to_validate_forms_properly_some_useful_dos'),
    link('link', 'reddit.com', 'https://www.reddit.com/r/reddit.com/wiki/markdown'),
    link('', 'reddit.com', 'https://www.reddit.com/user/adambard'),
  ],
  credits_consumed: 5,
  time_taken: 0.98,
};
const DOC_UNIQUE_SAMPLE = {
  data: [
    link('link', 'reddit.com', 'https://www.reddit.com/wiki/markdown'),
    link('カレー', 'w3.org', 'https://www.w3.org/tr/css-fonts-3'),
    link('https://example.com', 'forbes.com', 'https://www.forbes.com/sites/forbesagencycouncil/2019/07/11/five-technical-seo-considerations-you-cant-afford-to-get-wrong'),
    link('https://example.com', 'adobe.com', 'https://www.adobe.com/devnet-docs/acrobatetk/tools/appsec/xdomain.html'),
    link('https://EXAMPLE.COM/?wc-api=WC_Gateway_Chase_Paymentech', 'godaddy.com', 'https://www.godaddy.com/help/dive-in-chase-paymentech-41442'),
  ],
  credits_consumed: 25,
  time_taken: 0.68,
};

// The domain samples of get_domain_backlinks.md and get_unique_domain_backlinks.md.
const domainLink = (anchor_text, domain_source, url_source, url_target) => ({
  anchor_text, domain_source, domain_target: 'example.com', url_source, url_target,
});
const DOC_DOMAIN_SAMPLE = {
  data: [
    domainLink('', 'amazon.com', 'https://www.amazon.com/collectif/e/b07fpb9c3j', 'http://example.com'),
    domainLink('example.com', 'reddit.com', 'https://www.reddit.com/r/dns/comments/1an8jx0/bind_reverse_lookup_failing', 'https://example.com'),
    domainLink('Hoopla!', 'reddit.com', 'https://www.reddit.com/user/therealadyjewel', 'https://example.com'),
    domainLink('example.com', 'reddit.com', 'https://www.reddit.com/r/webdev/comments/nr9rso/how_to_validate_forms_properly_some_useful_dos', 'https://example.com'),
    domainLink('link', 'reddit.com', 'https://www.reddit.com/r/reddit.com/wiki/markdown', 'https://example.com'),
  ],
  credits_consumed: 5,
  time_taken: 2.02,
};
const DOC_UNIQUE_DOMAIN_SAMPLE = {
  data: [
    domainLink('', 'amazon.com', 'https://www.amazon.com/collectif/e/b07fpb9c3j', 'http://example.com'),
    domainLink('Color Monger website', 'microsoft.com', 'https://www.microsoft.com/en-sl/p/color-monger/9nblggh098x4', 'http://example.com'),
    domainLink('', 'reddit.com', 'https://www.reddit.com/r/okwx', 'http://example.com'),
    domainLink('https://example.com', 'forbes.com', 'https://www.forbes.com/sites/forbesagencycouncil/2019/07/11/five-technical-seo-considerations-you-cant-afford-to-get-wrong', 'https://example.com'),
    domainLink('Visit us on blog', 'ibm.com', 'https://www.ibm.com/in-en/events/vmware-webinars', 'http://example.com'),
  ],
  credits_consumed: 25,
  time_taken: 0.66,
};

const UNAUTHORIZED = { message: '401 Missing Or Invalid API Key' };

let api;

/**
 * POSTs a form to an endpoint of the stand-in.
 * @param {string} path endpoint path
 * @param {Record<string,string>|null} fields form fields (null: no body)
 * @param {{key?: string|null, auth?: string, query?: Record<string,string>, headers?: object}} [options]
 */
function call(path, fields, { key = TEST_KEYS.valid, auth, query, headers = {} } = {}) {
  const url = new URL(path, api.url);
  if (query) url.search = new URLSearchParams(query).toString();
  const allHeaders = { accept: 'application/json', ...headers };
  if (auth !== undefined) allHeaders.authorization = auth;
  else if (key !== null) allHeaders.authorization = `Bearer ${key}`;
  const init = { method: 'POST', headers: allHeaders };
  if (fields) {
    allHeaders['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(fields).toString();
  }
  return fetch(url, init);
}

/** call() and parse the JSON answer. */
async function callJson(path, fields, options) {
  const res = await call(path, fields, options);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

function control(method, path, body) {
  return fetch(new URL(path, api.url), { method, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function elapsed(fn) {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

before(async () => {
  api = await startStandIn();
});
after(() => api.close());
beforeEach(() => {
  api.clearFaults();
  api.clearLog();
  api.resetBalances();
});

/** GET /v1/account/credits with `key`: { status, body }. */
async function balanceOf(key = TEST_KEYS.valid) {
  const res = await fetch(new URL(CREDITS, api.url), { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
  return { status: res.status, body: await res.json() };
}

describe('startStandIn', () => {
  it('listens on 127.0.0.1 and exposes the test keys', () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(api.url, `http://127.0.0.1:${api.port}`);
    assert.equal(api.keys, TEST_KEYS);
  });
});

describe('401 Missing Or Invalid API Key', () => {
  const cases = {
    'no Authorization header': { key: null },
    'unknown key': { key: 'ke_wrong' },
    'Basic scheme': { auth: `Basic ${TEST_KEYS.valid}` },
    'Bearer without key': { auth: 'Bearer' },
    'two spaces': { auth: `Bearer  ${TEST_KEYS.valid}` },
  };
  for (const [name, options] of Object.entries(cases)) {
    it(name, async () => {
      const { status, body } = await callJson(PAGE, { page: 'https://example.com/', num: '5' }, options);
      assert.equal(status, 401);
      assert.deepEqual(body, UNAUTHORIZED);
    });
  }

  it('is checked before the input', async () => {
    const { status, body } = await callJson(UNIQUE, { num: 'nope' }, { key: 'ke_wrong' });
    assert.equal(status, 401);
    assert.deepEqual(body, UNAUTHORIZED);
  });

  it('accepts the scheme in any case', async () => {
    const { status } = await callJson(PAGE, { page: 'https://example.com/', num: '1' }, { auth: `bearer ${TEST_KEYS.valid}` });
    assert.equal(status, 200);
  });
});

describe('400 Invalid Request', () => {
  const NUM_ERROR = 'The num parameter must be an integer between 1 and 10000.';
  const cases = [
    [{ num: '5' }, 'The page parameter is required.'],
    [{ page: '', num: '5' }, 'The page parameter is required.'],
    [{ page: 'example.com', num: '5' }, 'The page parameter must be an absolute http or https URL.'],
    [{ page: 'ftp://example.com/', num: '5' }, 'The page parameter must be an absolute http or https URL.'],
    [{ page: 'mailto:someone@example.com', num: '5' }, 'The page parameter must be an absolute http or https URL.'],
    [{ page: 'https://example.com/' }, 'The num parameter is required.'],
    ...['5.0', '1e3', ' 5', '5 ', '0', '-1', '10001', 'abc', '0x10'].map((num) => [{ page: 'https://example.com/', num }, NUM_ERROR]),
  ];
  for (const [fields, description] of cases) {
    it(`${JSON.stringify(fields)} -> ${description}`, async () => {
      const { status, body } = await callJson(PAGE, fields);
      assert.equal(status, 400);
      assert.deepEqual(body, { message: '400 Invalid Request', description });
    });
  }

  it('is checked before the subscription', async () => {
    const { status } = await callJson(PAGE, { page: 'https://example.com/', num: '0' }, { key: TEST_KEYS.noSubscription });
    assert.equal(status, 400);
  });

  it('accepts the bounds 1 and 10000', async () => {
    for (const num of ['1', '10000']) {
      const { status, body } = await callJson(PAGE, { page: 'https://acme.test/', num });
      assert.equal(status, 200);
      assert.equal(body.data.length, Number(num));
    }
  });
});

describe('402 responses', () => {
  const fields = { page: 'https://example.com/', num: '5' };
  it('Subscription Required', async () => {
    const { status, body } = await callJson(PAGE, fields, { key: TEST_KEYS.noSubscription });
    assert.equal(status, 402);
    assert.deepEqual(body, { message: '402 Subscription Required', description: 'A valid subscription is required to access this resource.' });
  });

  it('Gold or Platinum subscription required', async () => {
    const { status, body } = await callJson(UNIQUE, fields, { key: TEST_KEYS.bronze });
    assert.equal(status, 402);
    assert.deepEqual(body, { message: '402 Gold or Platinum subscription required', description: 'A Gold or Platinum Plan subscription is required to access this resource.' });
  });

  it('an undocumented 402', async () => {
    const { status, body } = await callJson(PAGE, fields, { key: TEST_KEYS.other402 });
    assert.equal(status, 402);
    assert.deepEqual(body, { message: '402 Payment Failed', description: 'Your last payment failed.' });
  });

  it('Insufficient Credits when the worst case cost exceeds the balance, which lookups spend', async () => {
    const insufficient = { message: '402 Insufficient Credits', description: 'You do not have sufficient credits to complete this request.' };
    const attempt = (path, num) => callJson(path, { page: 'https://acme.test/', num }, { key: TEST_KEYS.lowCredits });
    assert.deepEqual((await attempt(PAGE, '101')).body, insufficient);
    const refused = await attempt(UNIQUE, '21');
    assert.equal(refused.status, 402);
    assert.deepEqual(refused.body, insufficient);
    assert.deepEqual((await balanceOf(TEST_KEYS.lowCredits)).body, [100], 'a refusal spends nothing');
    assert.equal((await attempt(UNIQUE, '20')).status, 200);
    assert.deepEqual((await balanceOf(TEST_KEYS.lowCredits)).body, [0]);
    assert.deepEqual((await attempt(PAGE, '1')).body, insufficient);
    const domain = await callJson(DOMAIN, { domain: 'acme.test', num: '1' }, { key: TEST_KEYS.lowCredits });
    assert.deepEqual([domain.status, domain.body], [402, insufficient]);
  });
});

describe('domain endpoints', () => {
  it('answer the documented samples for example.com exactly', async () => {
    for (const [path, sample] of [[DOMAIN, DOC_DOMAIN_SAMPLE], [UNIQUE_DOMAIN, DOC_UNIQUE_DOMAIN_SAMPLE]]) {
      const res = await call(path, { domain: 'example.com', num: '5' });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), JSON.stringify(sample), `${path}: same fields, same order`);
      const two = await callJson(path, { domain: 'example.com', num: '2' });
      assert.deepEqual(two.body, { data: sample.data.slice(0, 2), credits_consumed: sample.credits_consumed / 5 * 2, time_taken: sample.time_taken });
    }
  });

  it('generate backlinks to pages all over other domains, deterministically', async () => {
    const { status, body } = await callJson(DOMAIN, { domain: 'blog.acme.test', num: '50' });
    assert.equal(status, 200);
    assert.equal(body.data.length, 50);
    assert.equal(body.credits_consumed, 50);
    assert.ok(body.data.every((b) => b.domain_target === 'blog.acme.test' && b.url_target.startsWith('https://blog.acme.test/')));
    assert.ok(new Set(body.data.map((b) => b.url_target)).size > 5, 'many target pages');
    assert.deepEqual((await callJson(DOMAIN, { domain: 'blog.acme.test', num: '50' })).body, body);
    const unique = await callJson(UNIQUE_DOMAIN, { domain: 'blog.acme.test', num: '30' });
    assert.equal(unique.body.credits_consumed, 150);
    assert.equal(new Set(unique.body.data.map((b) => b.domain_source)).size, 30);
    assert.deepEqual((await callJson(DOMAIN, { domain: 'empty.example', num: '5' })).body.data, []);
  });

  it('refuse a missing or malformed domain with 400, and a page field is not a domain', async () => {
    for (const fields of [
      { num: '5' },
      { domain: '', num: '5' },
      { domain: 'https://example.com/', num: '5' },
      { domain: 'example.com/a', num: '5' },
      { domain: 'example.com:80', num: '5' },
      { domain: 'u@example.com', num: '5' },
      { domain: 'exa mple.com', num: '5' },
      { page: 'https://example.com/', num: '5' },
    ]) {
      const { status, body } = await callJson(DOMAIN, fields);
      assert.equal(status, 400, JSON.stringify(fields));
      assert.equal(body.message, '400 Invalid Request');
      assert.match(body.description, /domain parameter/);
    }
    assert.equal((await callJson(UNIQUE_DOMAIN, { domain: 'example.com', num: '0' })).status, 400);
  });

  it('log the domain form', async () => {
    await call(UNIQUE_DOMAIN, { domain: 'example.com', num: '3' });
    assert.deepEqual(api.log[0].form, { domain: 'example.com', num: '3' });
    assert.equal(api.log[0].path, UNIQUE_DOMAIN);
  });
});

describe('the balance (GET /v1/account/credits)', () => {
  it('answers a one-element array per test key, 401 for others, and is logged apart from the lookups', async () => {
    assert.deepEqual(await balanceOf(), { status: 200, body: [95597755] });
    await call(PAGE, { page: 'https://example.com/', num: '1' });
    assert.deepEqual(await balanceOf(TEST_KEYS.lowCredits), { status: 200, body: [100] });
    assert.deepEqual(await balanceOf(TEST_KEYS.noSubscription), { status: 200, body: [0] });
    assert.deepEqual(await balanceOf('ke_nobody'), { status: 401, body: UNAUTHORIZED });
    assert.equal(api.log.length, 1, 'the lookup');
    assert.equal(api.balanceLog.length, 4);
    assert.deepEqual([api.balanceLog[0].method, api.balanceLog[0].path, api.balanceLog[0].form], ['GET', CREDITS, {}]);
    const both = await (await control('GET', '/__control/log?balance=1')).json();
    assert.deepEqual(both.map((e) => e.method), ['GET', 'POST', 'GET', 'GET', 'GET'], 'in the order they came');
    assert.equal((await (await control('GET', '/__control/log')).json()).length, 1);
    const post = await fetch(new URL(CREDITS, api.url), { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('goes down by what each answered lookup consumed, on every endpoint, and not for refusals or faults', async () => {
    await call(PAGE, { page: 'https://example.com/', num: '3' }); // 3
    await call(UNIQUE, { page: 'https://example.com/', num: '2' }); // 10
    await call(DOMAIN, { domain: 'example.com', num: '4' }); // 4
    await call(UNIQUE_DOMAIN, { domain: 'example.com', num: '1' }); // 5
    await call(PAGE, { page: 'https://empty.example/', num: '5' }); // 0: nothing returned
    await call(PAGE, { page: 'nope', num: '5' }); // 400
    api.enqueueFault({ status: 503 });
    await call(PAGE, { page: 'https://example.com/', num: '5' }); // a fault's reply
    assert.deepEqual((await balanceOf()).body, [95597755 - 22]);
    api.setBalance(TEST_KEYS.valid, 7);
    assert.deepEqual((await balanceOf()).body, [7]);
    assert.throws(() => api.setBalance('ke_nobody', 1), TypeError);
    assert.throws(() => api.setBalance(TEST_KEYS.valid, -1), TypeError);
    api.resetBalances();
    assert.deepEqual((await balanceOf()).body, [95597755]);
  });

  it('takes faults of its own: a lookup\'s fault leaves it alone, and the other way round', async () => {
    api.enqueueFault({ status: 503 });
    api.enqueueFault({ status: 429, endpoint: 'balance' });
    assert.equal((await balanceOf()).status, 429);
    assert.equal((await balanceOf()).status, 200);
    assert.equal((await call(PAGE, { page: 'https://example.com/', num: '1' })).status, 503);
    assert.throws(() => api.enqueueFault({ status: 503, endpoint: 'credits' }), TypeError);
  });

  it('is settable and resettable over HTTP', async () => {
    const set = await control('POST', '/__control/balance', { key: TEST_KEYS.lowCredits, credits: 12 });
    assert.equal(set.status, 204);
    assert.deepEqual((await balanceOf(TEST_KEYS.lowCredits)).body, [12]);
    const bad = await control('POST', '/__control/balance', { key: 'ke_nobody', credits: 1 });
    assert.equal(bad.status, 400);
    assert.equal((await control('DELETE', '/__control/balance')).status, 204);
    assert.deepEqual((await balanceOf(TEST_KEYS.lowCredits)).body, [100]);
  });
});

describe('documented samples for https://example.com/', () => {
  it('page endpoint answers the sample exactly', async () => {
    const res = await call(PAGE, { page: 'https://example.com/', num: '5' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(await res.text(), JSON.stringify(DOC_PAGE_SAMPLE), 'same fields, same order');
  });

  it('unique endpoint answers the sample exactly', async () => {
    const { body } = await callJson(UNIQUE, { page: 'https://example.com', num: '5' });
    assert.deepEqual(body, DOC_UNIQUE_SAMPLE);
  });

  it('truncates to num and charges 1 or 5 credits per link', async () => {
    const page = await callJson(PAGE, { page: 'https://example.com/', num: '2' });
    assert.deepEqual(page.body, { ...DOC_PAGE_SAMPLE, data: DOC_PAGE_SAMPLE.data.slice(0, 2), credits_consumed: 2 });
    const unique = await callJson(UNIQUE, { page: 'https://example.com/', num: '2' });
    assert.deepEqual(unique.body, { ...DOC_UNIQUE_SAMPLE, data: DOC_UNIQUE_SAMPLE.data.slice(0, 2), credits_consumed: 10 });
  });

  it('returns fewer than num when there are no more', async () => {
    const { body } = await callJson(UNIQUE, { page: 'https://example.com/', num: '100' });
    assert.equal(body.data.length, 5);
    assert.equal(body.credits_consumed, 25);
  });
});

describe('generated backlinks', () => {
  const page = 'https://www.acme.test/pricing?plan=pro';

  it('returns exactly num well-formed backlinks', async () => {
    const { body } = await callJson(PAGE, { page, num: '37' });
    assert.equal(body.data.length, 37);
    assert.equal(body.credits_consumed, 37);
    assert.equal(typeof body.time_taken, 'number');
    for (const link of body.data) {
      assert.deepEqual(Object.keys(link), ['anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target']);
      assert.equal(typeof link.anchor_text, 'string');
      assert.equal(link.domain_target, 'acme.test');
      assert.equal(link.url_target, page);
      const source = new URL(link.url_source);
      assert.equal(source.protocol, 'https:');
      assert.equal(source.hostname.replace(/^www\./, ''), link.domain_source);
      assert.ok(source.pathname.length > 1);
    }
  });

  it('is deterministic', async () => {
    const first = await callJson(UNIQUE, { page, num: '50' });
    const second = await callJson(UNIQUE, { page, num: '50' });
    assert.deepEqual(first.body, second.body);
    const other = await callJson(UNIQUE, { page: 'https://other.test/', num: '50' });
    assert.notDeepEqual(other.body.data, first.body.data);
  });

  it('unique endpoint: one backlink per source domain, 5 credits each', async () => {
    const { body } = await callJson(UNIQUE, { page, num: '2000' });
    assert.equal(body.data.length, 2000);
    assert.equal(new Set(body.data.map((l) => l.domain_source)).size, 2000);
    assert.equal(body.credits_consumed, 10000);
  });

  it('page endpoint: source domains repeat', async () => {
    const { body } = await callJson(PAGE, { page, num: '2000' });
    const domains = new Set(body.data.map((l) => l.domain_source));
    assert.ok(domains.size < 2000 && domains.size > 100, `${domains.size} domains`);
  });

  it('num=10000 works on both endpoints, at a realistic size', async () => {
    for (const [path, rate] of [[PAGE, 1], [UNIQUE, 5]]) {
      const res = await call(path, { page, num: '10000' });
      const text = await res.text();
      const body = JSON.parse(text);
      assert.equal(body.data.length, 10000);
      assert.equal(body.credits_consumed, 10000 * rate);
      assert.equal(body.time_taken, 0.22);
      const perLink = Buffer.byteLength(text) / 10000;
      assert.ok(perLink > 180 && perLink < 320, `${perLink} bytes per backlink`);
    }
    const { body } = await callJson(UNIQUE, { page, num: '10000' });
    assert.equal(new Set(body.data.map((l) => l.domain_source)).size, 10000);
  });
});

describe('special pages', () => {
  it('https://empty.example/ has no backlinks', async () => {
    const { status, body } = await callJson(UNIQUE, { page: 'https://empty.example/', num: '100' });
    assert.equal(status, 200);
    assert.deepEqual(body.data, []);
    assert.equal(body.credits_consumed, 0);
  });

  it('https://tricky.example/ sends the escaping fixtures', async () => {
    const res = await call(PAGE, { page: 'https://tricky.example/', num: '100' });
    const text = await res.text();
    assert.ok(text.includes(String.raw`\u2028`) && text.includes(String.raw`\u0000`), 'U+2028 and U+0000 are JSON escapes');
    assert.ok(!text.includes('\u2028'));
    const body = JSON.parse(text);
    assert.deepEqual(body.data, TRICKY_BACKLINKS);
    assert.equal(body.credits_consumed, TRICKY_BACKLINKS.length);
    const anchors = body.data.map((l) => l.anchor_text);
    for (const expected of ['<script>window.__xss=1</script>', '=HYPERLINK("http://evil.example","click")', 'カレー 🍛', '', null]) {
      assert.ok(anchors.includes(expected), `anchor ${JSON.stringify(expected)}`);
    }
    assert.equal(body.data.at(-2).anchor_text, null);
    assert.ok(!('anchor_text' in body.data.at(-1)));
  });

  it('tricky backlinks are truncated to num and valid for the unique endpoint', async () => {
    const { body } = await callJson(UNIQUE, { page: 'https://tricky.example/', num: '3' });
    assert.deepEqual(body.data, TRICKY_BACKLINKS.slice(0, 3));
    assert.equal(body.credits_consumed, 15);
    assert.equal(new Set(TRICKY_BACKLINKS.map((l) => l.domain_source)).size, TRICKY_BACKLINKS.length);
  });
});

describe('input encoding', () => {
  it('a percent-encoded page survives the round trip', async () => {
    const page = 'https://acme.test/a b/ü?x=1&y=a+b&z=%26#frag?';
    const res = await call(PAGE, { page, num: '3' });
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.ok(body.data.every((l) => l.url_target === page));
    assert.equal(api.log[0].form.page, page);
    assert.equal(api.log[0].form.num, '3');
    assert.match(api.log[0].rawBody, /%26/);
  });

  it('accepts page and num in the query string', async () => {
    const { status, body } = await callJson(UNIQUE, null, { query: { page: 'https://example.com/', num: '1' } });
    assert.equal(status, 200);
    assert.deepEqual(body.data, DOC_UNIQUE_SAMPLE.data.slice(0, 1));
  });

  it('the body wins over the query string, field by field', async () => {
    const { body } = await callJson(PAGE, { num: '2' }, { query: { page: 'https://example.com/', num: '4' } });
    assert.equal(body.data.length, 2);
  });

  it('ignores a body that is not a form', async () => {
    const res = await fetch(new URL(PAGE, api.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.valid}`, 'content-type': 'application/json' },
      body: JSON.stringify({ page: 'https://example.com/', num: '1' }),
    });
    assert.equal(res.status, 400);
  });
});

describe('routing and CORS', () => {
  const CORS = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'authorization, content-type, accept',
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-expose-headers': 'retry-after, x-should-retry',
  };
  const assertCors = (res) => {
    for (const [name, value] of Object.entries(CORS)) assert.equal(res.headers.get(name), value, name);
  };

  it('answers a preflight with 204', async () => {
    const res = await fetch(new URL(UNIQUE, api.url), {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(res.status, 204);
    assertCors(res);
    assert.equal(api.log.length, 0, 'preflights are not logged');
  });

  it('sends CORS headers on success and errors', async () => {
    assertCors(await call(PAGE, { page: 'https://example.com/', num: '1' }));
    assertCors(await call(PAGE, {}, { key: null }));
    assertCors(await fetch(new URL('/nope', api.url)));
  });

  it('unknown path -> 404, wrong method -> 405', async () => {
    const missing = await fetch(new URL('/v1/get_keyword_data', api.url), { method: 'POST' });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { message: '404 Not Found' });
    const wrong = await fetch(new URL(PAGE, api.url));
    assert.equal(wrong.status, 405);
    assert.deepEqual(await wrong.json(), { message: '405 Method Not Allowed' });
  });
});

describe('request log', () => {
  it('records what was sent', async () => {
    await call(UNIQUE, { page: 'https://example.com/', num: '2' });
    assert.equal(api.log.length, 1);
    const entry = api.log[0];
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, UNIQUE);
    assert.equal(entry.contentType, 'application/x-www-form-urlencoded');
    assert.equal(entry.accept, 'application/json');
    assert.equal(entry.authorization, `Bearer ${TEST_KEYS.valid}`);
    assert.equal(entry.rawBody, 'page=https%3A%2F%2Fexample.com%2F&num=2');
    assert.deepEqual(entry.form, { page: 'https://example.com/', num: '2' });
    assert.equal(entry.fault, null);
    assert.ok(!Number.isNaN(Date.parse(entry.time)));
  });

  it('marks a request whose client went away before the whole answer as abandoned', async () => {
    await call(PAGE, { page: 'https://example.com/', num: '1' }).then((r) => r.text());
    api.enqueueFault({ delayMs: 5000 });
    api.enqueueFault({ stallBodyMs: 5000 });
    for (let i = 0; i < 2; i++) {
      const url = new URL(PAGE, api.url);
      const init = { method: 'POST', headers: { authorization: `Bearer ${TEST_KEYS.valid}` }, signal: AbortSignal.timeout(150) };
      await assert.rejects(fetch(url, init).then((r) => r.text()), { name: 'TimeoutError' });
    }
    const deadline = Date.now() + 2000;
    while (!(api.log[1].abandoned && api.log[2].abandoned) && Date.now() < deadline) await sleep(10);
    assert.deepEqual(api.log.map((e) => e.abandoned), [undefined, true, true]);
  });

  it('records missing fields and headers as null', async () => {
    await call(PAGE, null, { key: null, headers: { accept: '' } });
    assert.deepEqual(api.log[0].form, { page: null, num: null });
    assert.equal(api.log[0].authorization, null);
    assert.equal(api.log[0].contentType, null);
  });

  it('is readable and clearable over HTTP', async () => {
    await call(PAGE, { page: 'https://example.com/', num: '1' });
    const log = await (await control('GET', '/__control/log')).json();
    assert.equal(log.length, 1);
    assert.equal(log[0].path, PAGE);
    assert.equal((await control('DELETE', '/__control/log')).status, 204);
    assert.equal(api.log.length, 0);
  });
});

describe('queued faults', () => {
  const fields = { page: 'https://example.com/', num: '5' };

  it('status faults with a default or a given body', async () => {
    api.enqueueFault({ status: 500 });
    api.enqueueFault({ status: 502, body: 'Bad gateway, really' });
    const first = await call(PAGE, fields);
    assert.equal(first.status, 500);
    assert.deepEqual(await first.json(), { message: '500 Internal Server Error' });
    const second = await call(PAGE, fields);
    assert.equal(second.status, 502);
    assert.equal(await second.text(), 'Bad gateway, really');
    assert.equal((await call(PAGE, fields)).status, 200, 'one request each');
  });

  it('429 with Retry-After verbatim', async () => {
    const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
    api.enqueueFault({ status: 429, retryAfter: '1' });
    api.enqueueFault({ status: 429, retryAfter: date });
    api.enqueueFault({ status: 429 });
    for (const expected of ['1', date, null]) {
      const res = await call(UNIQUE, fields);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), expected);
      assert.deepEqual(await res.json(), { message: '429 Too Many Requests' });
    }
  });

  it('a fault applies before auth', async () => {
    api.enqueueFault({ status: 503 });
    const res = await call(PAGE, fields, { key: 'ke_wrong' });
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { message: '503 Service Unavailable' });
  });

  it('times=2 applies twice, then normal', async () => {
    api.enqueueFault({ status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(PAGE, fields)).status);
    assert.deepEqual(statuses, [503, 503, 200]);
    assert.deepEqual(api.log.map((e) => e.fault?.status ?? null), [503, 503, null]);
  });

  it('delayMs delays a normal answer', async () => {
    api.enqueueFault({ delayMs: 150 });
    const { value: body, ms } = await elapsed(async () => (await call(PAGE, fields)).json());
    assert.ok(ms >= 140, `${ms} ms`);
    assert.deepEqual(body, DOC_PAGE_SAMPLE);
  });

  it('stallBodyMs sends headers and half the body, then the rest', async () => {
    api.enqueueFault({ stallBodyMs: 150 });
    const start = performance.now();
    const res = await call(PAGE, fields);
    const headersAt = performance.now() - start;
    assert.equal(res.status, 200);
    const body = await res.json();
    const bodyAt = performance.now() - start;
    assert.ok(bodyAt - headersAt >= 100, `headers after ${headersAt} ms, body after ${bodyAt} ms`);
    assert.deepEqual(body, DOC_PAGE_SAMPLE);
  });

  it("reset: 'before' fails the fetch", async () => {
    api.enqueueFault({ reset: 'before' });
    await assert.rejects(call(PAGE, fields), TypeError);
    assert.equal(api.log.length, 1);
    assert.equal((await call(PAGE, fields)).status, 200);
  });

  it("reset: 'mid-body' sends headers, then fails the body", async () => {
    api.enqueueFault({ reset: 'mid-body' });
    const res = await call(PAGE, fields);
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), TypeError);
  });

  it('truncate sends half a JSON body with a matching Content-Length', async () => {
    api.enqueueFault({ truncate: true });
    const res = await call(PAGE, fields);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(text));
    assert.ok(JSON.stringify(DOC_PAGE_SAMPLE).startsWith(text));
    assert.throws(() => JSON.parse(text), SyntaxError);
  });

  it('html sends a gateway page', async () => {
    api.enqueueFault({ html: true });
    const res = await call(PAGE, fields);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html');
    assert.equal(await res.text(), '<!doctype html><html><body>Gateway</body></html>');
  });

  it('empty sends an empty 200', async () => {
    api.enqueueFault({ empty: true });
    const res = await call(PAGE, fields);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });

  it('headers are sent verbatim, e.g. a redirect or x-should-retry', async () => {
    api.enqueueFault({ status: 307, headers: { Location: '/v1/get_page_backlinks', 'x-should-retry': 'false' } });
    const res = await call(PAGE, { page: 'https://example.com/', num: '1' }, { headers: {} });
    // fetch follows a 307 by itself; `redirect: 'manual'` shows it.
    assert.equal(res.status, 200, 'followed once, then the normal answer');
    api.enqueueFault({ status: 308, headers: { Location: '/elsewhere' } });
    const manual = await fetch(new URL(PAGE, api.url), { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${TEST_KEYS.valid}` }, body: 'page=https://example.com/&num=1' });
    assert.equal(manual.status, 308);
    assert.equal(manual.headers.get('location'), '/elsewhere');
    assert.throws(() => api.enqueueFault({ status: 503, headers: { 'x-should-retry': false } }), TypeError);
    assert.throws(() => api.enqueueFault({ status: 503, headers: ['x'] }), TypeError);
  });

  it('body sends exactly that body', async () => {
    api.enqueueFault({ body: '{"data":{}}' });
    api.enqueueFault({ body: '{"data":[],"credits_consumed":"5"}' });
    api.enqueueFault({ body: 'nope', status: 418, contentType: 'text/plain' });
    assert.equal(await (await call(PAGE, fields)).text(), '{"data":{}}');
    assert.equal(await (await call(PAGE, fields)).text(), '{"data":[],"credits_consumed":"5"}');
    const res = await call(PAGE, fields);
    assert.equal(res.status, 418);
    assert.equal(res.headers.get('content-type'), 'text/plain');
    assert.equal(await res.text(), 'nope');
  });

  it('hugeBytes streams valid JSON of at least that size', async () => {
    const hugeBytes = 20 * 1024 * 1024;
    api.enqueueFault({ hugeBytes });
    const res = await call(UNIQUE, { page: 'https://acme.test/', num: '10' });
    const text = await res.text();
    assert.ok(Buffer.byteLength(text) >= hugeBytes);
    const body = JSON.parse(text);
    assert.ok(body.data.length > 1000);
    assert.equal(body.credits_consumed, body.data.length * 5);
    assert.equal(body.data[0].url_target, 'https://acme.test/');
  });

  it('faults apply in order', async () => {
    api.enqueueFault({ status: 500 });
    api.enqueueFault({ empty: true });
    assert.equal((await call(PAGE, fields)).status, 500);
    assert.equal(await (await call(UNIQUE, fields)).text(), '');
    assert.equal((await call(PAGE, fields)).status, 200);
  });

  it('clearFaults empties the queue', async () => {
    api.enqueueFault({ status: 500, times: 5 });
    api.clearFaults();
    assert.equal((await call(PAGE, fields)).status, 200);
  });

  it('rejects malformed faults', () => {
    assert.throws(() => api.enqueueFault({ stauts: 500 }), TypeError);
    assert.throws(() => api.enqueueFault({ times: 2 }), TypeError);
    assert.throws(() => api.enqueueFault({ reset: 'after' }), TypeError);
    assert.throws(() => api.enqueueFault(null), TypeError);
  });

  it('can be queued and cleared over HTTP', async () => {
    const queued = await control('POST', '/__control/faults', [{ status: 503 }, { status: 429, retryAfter: '1', times: 2 }]);
    assert.equal(queued.status, 200);
    assert.deepEqual(await queued.json(), { queued: 3 });
    assert.equal((await call(PAGE, fields)).status, 503);
    assert.equal((await call(PAGE, fields)).status, 429);
    assert.equal((await control('DELETE', '/__control/faults')).status, 204);
    assert.equal((await call(PAGE, fields)).status, 200);
    assert.equal((await control('POST', '/__control/faults', { status: 'x' })).status, 400);
    assert.equal((await control('POST', '/__control/faults', '{')).status, 400);
    assert.equal((await call(PAGE, fields)).status, 200, 'nothing was queued by bad requests');
  });
});

describe('scenario pages (https://scenario.test/?...)', () => {
  const scenario = (query) => ({ page: `https://scenario.test/?${query}`, num: '3' });

  it('status=503 always answers 503', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await call(PAGE, scenario('status=503'));
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { message: '503 Service Unavailable' });
    }
    assert.deepEqual(api.log[0].fault, { status: 503 });
  });

  it('status=429&retryAfter=1', async () => {
    const res = await call(UNIQUE, scenario('status=429&retryAfter=1'));
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '1');
  });

  it('delayMs, reset, html, truncate', async () => {
    const { ms, value: delayed } = await elapsed(() => callJson(PAGE, scenario('delayMs=200')));
    assert.ok(ms >= 190, `${ms} ms`);
    assert.equal(delayed.body.data.length, 3);
    await assert.rejects(call(PAGE, scenario('reset=before')), TypeError);
    const html = await call(PAGE, scenario('html=1'));
    assert.equal(html.headers.get('content-type'), 'text/html');
    const truncated = await call(PAGE, scenario('truncate=1'));
    await assert.rejects(truncated.json(), SyntaxError);
  });

  it('auth and validation run first', async () => {
    assert.equal((await call(PAGE, scenario('status=503'), { key: 'ke_wrong' })).status, 401);
    assert.equal((await call(PAGE, { ...scenario('status=503'), num: '0' })).status, 400);
  });

  it('without parameters it answers normally', async () => {
    const { status, body } = await callJson(PAGE, { page: 'https://scenario.test/', num: '4' });
    assert.equal(status, 200);
    assert.equal(body.data.length, 4);
  });

  it('is stateless under concurrency', async () => {
    const results = await Promise.allSettled([
      call(PAGE, scenario('status=503')),
      call(PAGE, scenario('delayMs=100')),
      call(UNIQUE, { page: 'https://example.com/', num: '5' }),
      call(PAGE, scenario('reset=before')),
      call(UNIQUE, scenario('status=429&retryAfter=1')),
    ]);
    assert.deepEqual(results.map((r) => r.value?.status ?? 'error'), [503, 200, 200, 'error', 429]);
  });
});

describe('close()', () => {
  it('resolves with a keep-alive connection open', async () => {
    const own = await startStandIn();
    const socket = net.connect(own.port, '127.0.0.1');
    await once(socket, 'connect');
    const res = await fetch(new URL('/nope', own.url)); // leaves a pooled keep-alive connection
    await res.text();
    const { ms } = await elapsed(() => own.close());
    assert.ok(ms < 500, `${ms} ms`);
    socket.destroy();
  });

  it('resolves during a pending delay and ends that request', async () => {
    const own = await startStandIn();
    own.enqueueFault({ delayMs: 60000 });
    const pending = fetch(new URL(PAGE, own.url), { method: 'POST', headers: { authorization: `Bearer ${TEST_KEYS.valid}` } });
    while (own.log.length === 0) await new Promise((r) => setTimeout(r, 5));
    const { ms } = await elapsed(() => own.close());
    assert.ok(ms < 500, `${ms} ms`);
    await assert.rejects(pending, TypeError);
  });

  it('can be called twice', async () => {
    const own = await startStandIn();
    await Promise.all([own.close(), own.close()]);
  });
});

describe('CLI', () => {
  it('prints one line, serves, and stops on SIGTERM without printing keys', async () => {
    const child = spawn(process.execPath, [SERVER_PATH, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    while (!stdout.includes('\n')) await once(child.stdout, 'data');
    const match = /^stand-in API listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(stdout);
    assert.ok(match, stdout);
    const res = await fetch(`${match[1]}${PAGE}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.valid}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'page=https%3A%2F%2Fexample.com%2F&num=1',
    });
    assert.equal(res.status, 200);
    await res.text();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.equal(stdout.split('\n').length, 2, 'exactly one line on stdout');
    assert.ok(!(stdout + stderr).includes(TEST_KEYS.valid), 'the key is never printed');
  });

  it('rejects a bad --port', async () => {
    const child = spawn(process.execPath, [SERVER_PATH, '--port', 'abc'], { stdio: 'ignore' });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
  });
});
