// The demo page in real headless Chromium, against the stack `make demo`
// runs: the stand-in API, the Worker in front of it, and the static server.
// Run: node --test tests/browser/demo-page.test.mjs

import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startDemoStack } from '../../scripts/demo-stack.mjs';
import { TEST_KEYS, TRICKY_BACKLINKS } from '../../stand-in/server.mjs';
import { axeViolations } from '../support/axe.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';

const path = (relative) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));
const SCREENSHOTS = path('tests/out/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
const SAMPLE_PAGE = 'https://example.com/'; // the documented sample: 5 backlinks, all from reddit.com
const TRICKY_PAGE = 'https://tricky.example/';

let stack;
let browser;

before(async () => {
  [stack, browser] = await Promise.all([startDemoStack(), launchChromium()]);
});

after(async () => {
  await Promise.allSettled([browser?.close(), stack?.close()]);
});

/**
 * Opens the page as `make demo` prints it; each test gets a fresh context.
 * Tests end with `finish(page)`.
 */
async function open(viewport = DESKTOP, url = stack.pageUrl) {
  const page = await openPage(browser, { viewport });
  page.consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

/** Fills the form (one target) and submits it. */
async function submit(page, { url, num = 10, unique = false, domain = false }) {
  await page.check('#scope-one', { force: true }).catch(() => {}); // hidden when the package has no list runs
  await page.check(domain ? '#kind-domain' : '#kind-page');
  await page.fill('#target', url);
  await page.fill('#num', String(num));
  await page.setChecked('#unique', unique);
  await page.click('#submit');
}

/** Submits and waits for the results. */
async function lookUp(page, query) {
  await submit(page, query);
  await page.waitForSelector('#results:not([hidden])');
}

/** Submits and waits for the error panel; returns what it shows. */
async function lookUpError(page, query) {
  await submit(page, query);
  await page.waitForSelector('#error:not([hidden])');
  return page.evaluate(() => Object.fromEntries(['code', 'headline', 'message', 'description', 'advice']
    .map((k) => [k, document.getElementById(`error-${k}`).textContent])));
}

/** Whether the element is inside the viewport (its top edge, at least). */
// A heading scrolled to the top can sit a fraction of a pixel above it
// (fractional layout: -0.16 px at phone width once the list controls show).
const inView = (page, selector) => page.locator(selector).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top > -1 && r.top < window.innerHeight && r.height > 0;
});

/** The id of the focused element. */
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Runs axe-core in the page; fails with the violations it finds. */
async function assertAccessible(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe-core violations (${state})`);
}

/** Switches to direct mode with an API key (and optionally another base URL). */
async function useDirect(page, key, baseUrl) {
  await page.check('#mode-direct');
  await page.fill('#api-key', key);
  if (baseUrl) await page.fill('#base-url', baseUrl);
}

const text = (page, selector) => page.locator(selector).textContent();
const columnTexts = (page, n) => page.$$eval(`#backlinks tbody tr td:nth-child(${n})`, (tds) => tds.map((td) => td.textContent));

/** Closes the page's context after checking there was no uncaught error, and no console error but failed HTTP answers. */
async function finish(page) {
  assert.deepEqual(page.errors.map(String), []);
  assert.deepEqual(page.consoleErrors.filter((m) => !m.startsWith('Failed to load resource')), []);
  await page.context().close();
}

/** Waits for a download started by clicking `selector`; returns its name and text. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

/** A port nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

describe('demo page through the Worker (the default mode)', () => {
  test('submit shows the summary, the chart and the table; no key leaves the browser', async () => {
    const page = await open();
    assert.equal(await page.isChecked('#mode-worker'), true);
    const sent = [];
    page.on('request', (r) => { if (r.method() === 'POST') sent.push(r); });

    await lookUp(page, { url: 'https://example.org/guide', num: 600 });

    assert.equal(await text(page, '#sum-count'), '600 of 600 asked');
    assert.equal(await text(page, '#sum-credits'), '600 worst case 600');
    assert.match(await text(page, '#sum-time'), /^0\.1\d s at the API; \d+\.\d\d s round trip$/);
    assert.equal(await page.locator('#chart svg .chart-bar').count(), 10);
    const labels = await page.$$eval('#chart .chart-label', (ts) => ts.map((t) => t.textContent));
    assert.ok(labels.every((l) => /^[a-z0-9.-]+$/.test(l)), labels.join());
    assert.match(await text(page, '#status'), /Found 600 backlinks/);

    // 500 rows are drawn at first, the rest on request.
    assert.equal(await page.locator('#backlinks tbody tr').count(), 500);
    assert.equal(await text(page, '#shown-count'), 'Showing all 600 backlinks, the first 500 drawn.');
    assert.equal(await text(page, '#more'), 'Show 100 more (100 not shown yet)');
    await page.click('#more');
    assert.equal(await page.locator('#backlinks tbody tr').count(), 600);
    assert.equal(await page.isHidden('#more'), true);

    assert.equal(sent.length, 1);
    assert.equal(sent[0].url(), `${stack.workerUrl}/v1/get_page_backlinks`);
    assert.equal(await sent[0].headerValue('authorization'), null);
    const links = await page.$$eval('#backlinks tbody td:nth-child(2) a', (as) => as.map((a) => `${a.rel}|${a.target}`));
    assert.ok(links.length === 600 && links.every((a) => a === 'nofollow noopener noreferrer|_blank'));

    await mkdir(SCREENSHOTS, { recursive: true });
    await lookUp(page, { url: 'https://example.org/guide', num: 30 }); // a shorter page for the picture
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENSHOTS}/demo-desktop.png` }); // the README's pictures: make screenshots
    await finish(page);
  });

  test('the worst-case cost follows num and the switch; a bad num is explained inline', async () => {
    const page = await open();
    const unlabelled = await page.$$eval('input, button', (els) => els.filter((e) => !(e.labels?.length || e.textContent.trim())).map((e) => e.id));
    assert.deepEqual(unlabelled, []);
    assert.equal(await text(page, '#cost'), 'Worst-case cost: 10 credits (1 credit per backlink).');
    await page.check('#unique');
    assert.equal(await text(page, '#cost'), 'Worst-case cost: 50 credits (5 credits per backlink, one per referring domain).');
    // The Worker's GET /config says maxNum 1000 (its MAX_NUM): the page holds num to it.
    await page.fill('#num', '1000');
    assert.match(await text(page, '#cost'), /5,000 credits/);
    await page.uncheck('#unique');
    assert.match(await text(page, '#cost'), /1,000 credits/);
    await page.fill('#num', '1');
    assert.match(await text(page, '#cost'), /: 1 credit \(/);

    await page.fill('#num', '0');
    assert.equal(await text(page, '#cost'), 'Worst-case cost: correct the number of backlinks to see it.');
    assert.equal(await text(page, '#num-error'), 'Enter a whole number of backlinks from 1 to 1,000.');
    assert.equal(await page.getAttribute('#num', 'aria-invalid'), 'true');
    await page.fill('#num', '7');
    assert.equal(await page.isHidden('#num-error'), true);
    assert.match(await text(page, '#cost'), /7 credits/);
    await finish(page);
  });

  test('the table sorts by column (mouse and keyboard) and filters by text', async () => {
    const page = await open();
    await lookUp(page, { url: SAMPLE_PAGE, num: 5 });
    assert.deepEqual(await columnTexts(page, 1), ['example.com', 'Hoopla!', 'example.com', 'link', '(no anchor text)']);
    assert.equal(await page.locator('#chart .chart-bar').count(), 1);
    assert.equal(await text(page, '#chart .chart-value'), '5');

    await page.click('th[data-key="anchor_text"] button');
    assert.equal(await page.getAttribute('th[data-key="anchor_text"]', 'aria-sort'), 'ascending');
    assert.deepEqual(await columnTexts(page, 1), ['example.com', 'example.com', 'Hoopla!', 'link', '(no anchor text)']);
    await page.focus('th[data-key="anchor_text"] button');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('th[data-key="anchor_text"]', 'aria-sort'), 'descending');
    assert.deepEqual(await columnTexts(page, 1), ['link', 'Hoopla!', 'example.com', 'example.com', '(no anchor text)']);
    await page.keyboard.press('Tab'); // on to the next header
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute('th[data-key="url_source"]', 'aria-sort'), 'ascending');
    assert.equal(await page.getAttribute('th[data-key="anchor_text"]', 'aria-sort'), null);
    const urls = await columnTexts(page, 2);
    assert.deepEqual(urls, [...urls].sort());

    await page.fill('#filter', 'HOOPLA');
    assert.deepEqual(await columnTexts(page, 1), ['Hoopla!']);
    assert.equal(await text(page, '#shown-count'), 'Showing 1 of 5 backlinks.');
    await page.fill('#filter', 'wiki/markdown');
    assert.deepEqual(await columnTexts(page, 1), ['link']);
    await page.fill('#filter', 'nothing like this');
    assert.equal(await page.locator('#backlinks tbody tr').count(), 0);
    assert.equal(await page.isDisabled('#export-csv'), true);
    await page.fill('#filter', '');
    assert.equal(await text(page, '#shown-count'), 'Showing all 5 backlinks.');
    await finish(page);
  });

  test('hostile anchor texts show as text, run nothing, and export safely to CSV and JSON', async () => {
    const page = await open();
    await lookUp(page, { url: TRICKY_PAGE, num: 20 });
    const expected = TRICKY_BACKLINKS.map((l) => l.anchor_text ?? '');
    const shown = await columnTexts(page, 1);
    assert.deepEqual(shown, expected.map((a) => a || '(no anchor text)'));
    assert.equal(await page.locator('#backlinks tbody img, #backlinks tbody script').count(), 0);
    await page.waitForTimeout(100); // an onerror handler would have run by now
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    const csv = await download(page, '#export-csv');
    assert.match(csv.name, /^backlinks-tricky\.example-\d{4}-\d\d-\d\d\.csv$/);
    assert.ok(csv.text.startsWith('\uFEFFanchor_text,url_source,domain_source,url_target,domain_target\r\n'));
    const lines = csv.text.slice(1).split('\r\n');
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.equal(lines[1], '"<img src=x onerror=""window.__xss=1"">",https://tricky-source-1.example/posts/1/escaping-check,tricky-source-1.example,https://tricky.example/,tricky.example');
    const anchors = csv.text.slice(1).split('\r\n').slice(1, -1).map((line) => line.split(',https://tricky-source-')[0]);
    assert.deepEqual(anchors.slice(1, 10), [
      '<script>window.__xss=1</script>',
      '"\'=HYPERLINK(""http://evil.example"",""click"")"',
      "'+1+1",
      "'-2",
      "'@SUM(A1)",
      '"a ""quoted"", comma, text"',
      '"first line\nsecond line"',
      'カレー 🍛',
      'line\u2028separator and nulbyte', // NUL removed
    ]);
    assert.doesNotMatch(csv.text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/, 'no control characters but CR and LF');
    assert.deepEqual(anchors.slice(10), ['', '', '']);

    await page.click('th[data-key="domain_source"] button'); // exports follow the view
    await page.fill('#filter', 'tricky-source-1');
    const json = await download(page, '#export-json');
    assert.match(json.name, /^backlinks-tricky\.example-\d{4}-\d\d-\d\d\.json$/);
    const doc = JSON.parse(json.text);
    assert.equal(doc.page, TRICKY_PAGE);
    assert.equal(doc.endpoint, 'get_page_backlinks');
    assert.equal(doc.credits_consumed, 13);
    assert.deepEqual(doc.rows, {
      filtered: true, shown: 5, total: 13,
      note: 'data holds the backlinks that match the filters below, in the order shown, not necessarily every backlink of the answer.',
    });
    assert.deepEqual(doc.filters, { text: 'tricky-source-1', only_domain: null, excluded_domains: [] });
    assert.deepEqual(doc.data.map((l) => l.domain_source), ['tricky-source-1.example', 'tricky-source-10.example', 'tricky-source-11.example', 'tricky-source-12.example', 'tricky-source-13.example']);
    assert.deepEqual(doc.data[0], { ...TRICKY_BACKLINKS[0] });
    assert.deepEqual(doc.data.at(-1), { ...TRICKY_BACKLINKS[12], anchor_text: '' });
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await finish(page);
  });

  test('Cancel stops a lookup in flight', async () => {
    const page = await open();
    stack.standIn.enqueueFault({ delayMs: 3000 });
    const started = Date.now();
    await submit(page, { url: `https://example.net/cancel-${started}`, num: 5 });
    await page.waitForSelector('#cancel:visible');
    assert.equal(await page.isVisible('#progress'), true);
    assert.equal(await page.isDisabled('#submit'), true);
    await page.click('#cancel');
    await page.waitForSelector('#cancel', { state: 'hidden' });
    assert.ok(Date.now() - started < 2500, 'did not wait for the answer');
    assert.equal(await text(page, '#status'), 'Cancelled. No results are shown.');
    assert.equal(await page.isHidden('#results'), true);
    assert.equal(await page.isHidden('#error'), true);
    assert.equal(await page.isHidden('#progress'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'submit');
    await finish(page);
  });

  test('the Worker\'s limits from /config: its largest num in the hint, the preview and the check; what remains of its daily budget', async () => {
    const page = await open();
    const config = await (await fetch(`${stack.workerUrl}/config`, { headers: { origin: new URL(stack.pageUrl).origin } })).json();
    assert.equal(await text(page, '#num-hint'), `From 1 to ${config.maxNum.toLocaleString('en-US')} through this Worker; each backlink returned costs credits.`);
    assert.equal(await page.getAttribute('#num', 'max'), String(config.maxNum));
    await page.fill('#num', String(config.maxNum + 1));
    assert.equal(await text(page, '#num-error'), `Enter a whole number of backlinks from 1 to ${config.maxNum.toLocaleString('en-US')}. This Worker gives no more per lookup.`);
    assert.equal(await text(page, '#cost'), 'Worst-case cost: correct the number of backlinks to see it.');
    const sent = [];
    page.on('request', (r) => { if (r.method() === 'POST') sent.push(r.url()); });
    await page.fill('#target', SAMPLE_PAGE);
    await page.click('#submit');
    await page.waitForSelector('#status:has-text("Nothing was sent")');
    assert.deepEqual(sent, []);
    assert.match(await text(page, '#worker-budget'), /^Today this Worker can spend [\d,]+ more credits? of its [\d,]+\. It starts again in /);
    const remaining = () => page.locator('#worker-budget').textContent().then((t) => Number(t.match(/spend ([\d,]+)/)[1].replaceAll(',', '')));
    const before = await remaining();
    await lookUp(page, { url: `https://example.org/budget-${Date.now()}`, num: 7 });
    await page.waitForFunction((n) => !document.getElementById('worker-budget').textContent.includes(`spend ${n.toLocaleString('en-US')} `), before);
    assert.equal(await remaining(), before - 7);
    await finish(page);
  });

  test('a cache hit of the Worker says so: 0 credits charged', async () => {
    const page = await open();
    const url = `https://example.org/cached-${Date.now()}`;
    await lookUp(page, { url, num: 6 });
    assert.equal(await page.isHidden('#result-note'), true);
    assert.equal(await text(page, '#sum-credits'), '6 worst case 6');
    await lookUp(page, { url, num: 6 });
    assert.equal(await text(page, '#result-note'), 'From the Worker\'s cache: 0 credits charged.');
    assert.equal(await text(page, '#sum-credits'), '0 charged now; the first lookup cost 6');
    await finish(page);
  });

  test('a refusal by the Worker itself is shown with its reason', async () => {
    // A page that read no /config (an older Worker's) offers up to the package's 10,000: the Worker refuses 5000.
    const page = await openPage(browser, { viewport: DESKTOP });
    page.consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
    await page.route(`${stack.workerUrl}/config`, (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"code":"not_found","message":"No such route."}' }));
    await page.goto(stack.pageUrl);
    await page.waitForSelector('html[data-ready="true"]');
    const refused = await lookUpError(page, { url: SAMPLE_PAGE, num: 5000 }); // above the Worker's MAX_NUM
    assert.equal(refused.code, 'bad_request');
    assert.equal(refused.headline, 'The Worker refused the lookup as it was written.');
    assert.match(refused.message, /num is over this Worker's MAX_NUM cap/);
    assert.equal(refused.advice, 'Check the address and the number of backlinks, then try again.');
    assert.doesNotMatch(await text(page, '#error'), /`/, 'no code marks');
    await finish(page);
  });

  test('at phone width everything fits in 375 px', async () => {
    const page = await open(PHONE);
    await lookUp(page, { url: SAMPLE_PAGE, num: 5, unique: true });
    assert.equal(await text(page, '#sum-credits'), '25 worst case 25');
    assert.equal(await focusedId(page), 'results-title', 'the results are focused');
    assert.ok(await inView(page, '#results-title'), 'the results are scrolled into view');
    assert.equal(await page.locator('#chart .chart-bar').count(), 5);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= PHONE.width, `page is ${overflow} px wide`);
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/demo-phone.png`, fullPage: true });
    await finish(page);
  });
});

describe('demo page, direct with an API key (against the stand-in)', () => {
  test('without a Worker URL, direct mode is the only mode and aims at the real API', async () => {
    const page = await open(DESKTOP, `${stack.staticUrl}/`);
    assert.equal(await page.isChecked('#mode-direct'), true);
    assert.equal(await page.isDisabled('#mode-worker'), true);
    assert.match(await text(page, '#worker-hint'), /No Worker is configured/);
    assert.equal(await page.inputValue('#base-url'), 'https://api.keywordseverywhere.com');
    assert.equal(await page.isVisible('#key-warning'), true);
    await finish(page);
  });

  test('a valid key gets results, and the key is sent only to the API base URL', async () => {
    const page = await open();
    assert.equal(await page.isVisible('#key-warning'), false);
    await useDirect(page, TEST_KEYS.valid);
    assert.match(await text(page, '#key-warning'), /visible to whoever uses this browser/);
    assert.equal(await page.inputValue('#base-url'), stack.standIn.url);
    stack.standIn.clearLog();
    await lookUp(page, { url: SAMPLE_PAGE, num: 5, unique: true });
    assert.equal(await text(page, '#sum-count'), '5 of 5 asked');
    assert.match(await text(page, '#sum-query'), /one link per referring domain, to the page · direct$/);
    const lookups = stack.standIn.log.filter((e) => e.method === 'POST');
    assert.equal(lookups.length, 1);
    assert.equal(lookups[0].path, '/v1/get_unique_page_backlinks');
    assert.ok(stack.standIn.log.every((e) => e.authorization === `Bearer ${TEST_KEYS.valid}`));
    assert.equal(new URL(page.url()).search.includes(TEST_KEYS.valid), false);
    await finish(page);
  });

  test('a whole domain, all links or one per referring domain: the preview of each kind, the request, and the balance before and after', async () => {
    const page = await open();
    await page.fill('#num', '7');
    const previews = [];
    for (const [domain, unique] of [[false, false], [false, true], [true, false], [true, true]]) {
      await page.check(domain ? '#kind-domain' : '#kind-page');
      await page.setChecked('#unique', unique);
      previews.push(await text(page, '#cost'));
    }
    assert.deepEqual(previews, [
      'Worst-case cost: 7 credits (1 credit per backlink).',
      'Worst-case cost: 35 credits (5 credits per backlink, one per referring domain).',
      'Worst-case cost: 7 credits (1 credit per backlink).',
      'Worst-case cost: 35 credits (5 credits per backlink, one per referring domain).',
    ]);
    assert.equal(await text(page, '#target-label'), 'Domain');

    await useDirect(page, TEST_KEYS.lowCredits);
    const before = stack.standIn.balance(TEST_KEYS.lowCredits);
    await page.locator('#api-key').blur();
    await page.waitForSelector('#balance:visible');
    assert.equal(await text(page, '#balance'), `Balance: ${before} credits.`);
    stack.standIn.clearLog();
    await lookUp(page, { url: 'example.com', num: 5, domain: true });
    const entry = stack.standIn.log.find((e) => e.path === '/v1/get_domain_backlinks');
    assert.ok(entry, 'the domain endpoint was called');
    assert.match(entry.rawBody, /(^|&)domain=example\.com(&|$)/);
    assert.match(await text(page, '#sum-query'), /^example\.com · every link to the domain · direct$/);
    const spent = Number((await text(page, '#sum-credits')).split(' ')[0]);
    await page.waitForSelector('#balance:has-text("after")');
    assert.equal(await text(page, '#balance'), `Balance: ${before} credits before this lookup, ${before - spent} after (${spent} spent).`);
    assert.equal(stack.standIn.balance(TEST_KEYS.lowCredits), before - spent);

    await lookUp(page, { url: 'example.com', num: 3, domain: true, unique: true });
    assert.ok(stack.standIn.log.some((e) => e.path === '/v1/get_unique_domain_backlinks'));
    await page.fill('#target', 'https://example.com/');
    await page.locator('#target').blur();
    await page.waitForSelector('#target-offers:visible');
    assert.equal(await text(page, '#target-error-text'), 'Enter the domain alone, such as example.com, without https:// in front.');
    await page.click('#offer-domain');
    assert.equal(await page.inputValue('#target'), 'example.com');
    await finish(page);
  });

  test('each API error is said in plain words, with what to do and the technical details', async () => {
    const page = await open();
    const cases = [
      [TEST_KEYS.valid.replace('valid', 'wrong'), 10, 'unauthorized', 'This key was not accepted.', /Copy the key again/, ''],
      [TEST_KEYS.noSubscription, 10, 'subscription_required', 'This account has no active subscription.', /Subscribe/, 'A valid subscription is required to access this resource.'],
      [TEST_KEYS.bronze, 10, 'plan_required', 'Your plan does not include backlinks.', /Gold or Platinum plan/, 'A Gold or Platinum Plan subscription is required to access this resource.'],
      [TEST_KEYS.lowCredits, 200, 'insufficient_credits', 'There are not enough credits left for this lookup.', /Buy more credits/, 'You do not have sufficient credits to complete this request.'],
      [TEST_KEYS.other402, 10, 'payment_required', 'The account has a billing problem.', /payment method/, 'Your last payment failed.'],
    ];
    for (const [key, num, code, headline, advice, description] of cases) {
      await useDirect(page, key);
      const shown = await lookUpError(page, { url: SAMPLE_PAGE, num });
      assert.equal(shown.code, code);
      assert.equal(shown.headline, headline);
      assert.match(shown.advice, advice);
      assert.equal(shown.description, description);
      assert.equal(await page.isVisible('#error-headline'), true);
      assert.equal(await page.isVisible('#error-message'), false, 'the technical details start folded');
      assert.match(shown.message, /^\S.*\.$/);
      // Plain words: no option names in what it says, no code marks anywhere in the panel (technical details included).
      assert.doesNotMatch(`${shown.headline} ${shown.advice}`, /apiKey|baseUrl|maxRetries|timeoutMs|\bnum\b/);
      assert.doesNotMatch(await text(page, '#error'), /`/);
      assert.equal(await page.isHidden('#results'), true);
      assert.equal(await focusedId(page), 'error-title', 'the error is focused');
    }

    await useDirect(page, TEST_KEYS.valid);
    if (await page.isEnabled('#kind-domain')) { // a package with getCredits: the balance is read on leaving the key field
      await page.locator('#api-key').blur();
      await page.waitForSelector('#balance:visible');
    }
    stack.standIn.enqueueFault({ status: 429, retryAfter: '120' }); // more than the client waits by itself
    const limited = await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(limited.code, 'rate_limited');
    assert.equal(limited.headline, 'Too many lookups in a short time.');
    assert.equal(limited.advice, 'Wait 120 s, then try again.');

    stack.standIn.enqueueFault({ status: 503, times: 3 }); // the first try and both retries
    const failing = await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(failing.code, 'server_error');
    assert.equal(failing.headline, 'The Keywords Everywhere service is having trouble.');

    await useDirect(page, TEST_KEYS.valid, `http://127.0.0.1:${await closedPort()}`);
    const offline = await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(offline.code, 'network_error');
    assert.match(offline.advice, /API address/);

    await useDirect(page, TEST_KEYS.valid, stack.standIn.url);
    await lookUp(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(await page.isHidden('#error'), true, 'a success clears the error');
    await finish(page);
  });

  test('invalid input is explained inline in plain words, and nothing is sent', async () => {
    const page = await open();
    stack.standIn.clearLog();
    await page.fill('#target', 'example.com/no-scheme');
    await page.locator('#target').blur();
    await page.waitForSelector('#target-error:visible');
    assert.equal(await text(page, '#target-error-text'), 'That is not a web address. Add https:// in front.');
    await page.fill('#target', 'https://example.com/');
    await page.waitForSelector('#target-error', { state: 'hidden' });

    await page.fill('#target', 'ftp://example.com/');
    await page.click('#submit');
    await page.waitForSelector('#status:has-text("Nothing was sent")');
    assert.equal(await text(page, '#target-error-text'), 'Only addresses that start with http:// or https:// can be looked up.');
    assert.equal(await focusedId(page), 'target');
    assert.equal(await page.getAttribute('#target', 'aria-invalid'), 'true');

    await useDirect(page, '');
    await page.evaluate(() => { document.getElementById('status').textContent = ''; });
    await submit(page, { url: SAMPLE_PAGE, num: 5 });
    await page.waitForSelector('#status:has-text("Nothing was sent")');
    assert.equal(await text(page, '#api-key-error'), 'Enter your API key.');
    assert.equal(await focusedId(page), 'api-key');
    assert.equal(await page.isHidden('#error'), true);
    assert.equal(stack.standIn.log.length, 0);
    await finish(page);
  });

  test('a bare example.com offers https:// in front (and the whole domain, when the package looks up domains)', async () => {
    const page = await open();
    stack.standIn.clearLog();
    await page.fill('#target', 'example.com');
    await page.locator('#target').blur();
    await page.waitForSelector('#target-offers:visible');
    assert.equal(await text(page, '#target-error-text'), 'That is not a web address. Add https:// in front.');
    assert.equal(await text(page, '#offer-https'), 'Look up https://example.com');
    const canDomain = await page.isEnabled('#kind-domain');
    assert.equal(await page.isVisible('#offer-domain'), canDomain);
    if (canDomain) assert.equal(await text(page, '#offer-domain'), 'Look up the whole domain example.com');
    await page.click('#offer-https');
    assert.equal(await page.inputValue('#target'), 'https://example.com');
    assert.equal(await page.isHidden('#target-error'), true);
    assert.equal(await focusedId(page), 'target');
    assert.equal(stack.standIn.log.length, 0, 'nothing was sent');
    await finish(page);
  });
});

describe('demo page: finding the outcome, cancelling, history, accessibility', () => {
  test('the result and the error are focused and scrolled into view (direct mode at 1280x800)', async () => {
    const page = await open();
    await useDirect(page, TEST_KEYS.valid);
    await lookUp(page, { url: 'https://example.org/long-list', num: 300 });
    assert.equal(await focusedId(page), 'results-title');
    assert.ok(await inView(page, '#results-title'));
    await useDirect(page, TEST_KEYS.bronze);
    await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(await focusedId(page), 'error-title');
    assert.ok(await inView(page, '#error-title'));
    await finish(page);
  });

  test('the progress shows next to the button, and Esc cancels the lookup', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await open(viewport);
      stack.standIn.enqueueFault({ delayMs: 3000 });
      const started = Date.now();
      await submit(page, { url: `https://example.net/esc-${started}`, num: 5 });
      await page.waitForSelector('#progress:visible');
      const [button, progress] = await Promise.all(['#submit', '#progress'].map((s) => page.locator(s).boundingBox()));
      const middle = (box) => box.y + box.height / 2;
      assert.ok(Math.abs(middle(progress) - middle(button)) < button.height,
        `progress at y=${progress.y}, button at y=${button.y} (${viewport.width} px wide)`);
      assert.ok(await inView(page, '#progress'));
      await page.keyboard.press('Escape');
      await page.waitForSelector('#cancel', { state: 'hidden' });
      assert.ok(Date.now() - started < 2500, 'did not wait for the answer');
      assert.equal(await text(page, '#status'), 'Cancelled. No results are shown.');
      assert.equal(await page.isHidden('#results'), true);
      await finish(page);
    }
  });

  test('chart ties are in the table\'s order: numbers in names sort as numbers', async () => {
    const page = await open();
    await lookUp(page, { url: TRICKY_PAGE, num: 13 }); // 13 referring domains, one backlink each
    const labels = await page.$$eval('#chart .chart-label', (ts) => ts.map((t) => t.textContent));
    await page.click('th[data-key="domain_source"] button');
    const sorted = await columnTexts(page, 3);
    assert.deepEqual(labels, sorted.slice(0, 10));
    assert.deepEqual(labels.slice(0, 3), ['tricky-source-1.example', 'tricky-source-2.example', 'tricky-source-3.example']);
    await finish(page);
  });

  test('the table leaves out a column that is the same in every row, and keeps URLs on one line with the whole URL as a tooltip', async () => {
    const page = await open();
    await lookUp(page, { url: SAMPLE_PAGE, num: 5 });
    const keys = await page.$$eval('#backlinks th', (ths) => ths.map((th) => th.dataset.key));
    assert.deepEqual(keys, ['anchor_text', 'url_source']); // every row: reddit.com, https://example.com
    assert.equal(await text(page, '#same-columns'),
      'The same in every row, so not shown as a column: Source domain reddit.com; Target URL https://example.com.');
    const cells = await page.$$eval('#backlinks td.url', (tds) => tds.map((td) => ({
      title: td.title, text: td.textContent, whiteSpace: getComputedStyle(td).whiteSpace,
      lines: Math.round(td.querySelector('a').getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)),
    })));
    assert.equal(cells.length, 5);
    for (const cell of cells) {
      assert.equal(cell.title, cell.text);
      assert.equal(cell.whiteSpace, 'nowrap');
      assert.equal(cell.lines, 1, cell.text);
    }
    await lookUp(page, { url: 'https://example.org/guide', num: 30 });
    assert.deepEqual(await page.$$eval('#backlinks th', (ths) => ths.map((th) => th.dataset.key)), ['anchor_text', 'url_source', 'domain_source']);
    await finish(page);
  });

  test('one click is one request to the Worker, and its error is said once', async () => {
    const page = await open();
    const sent = [];
    page.on('request', (r) => { if (r.method() === 'POST') sent.push(r.url()); });
    stack.standIn.clearLog();
    stack.standIn.enqueueFault({ status: 503, times: 10 });
    const failed = await lookUpError(page, { url: `https://example.net/503-${Date.now()}`, num: 5 });
    stack.standIn.clearFaults();
    assert.equal(failed.code, 'server_error');
    assert.equal(failed.headline, 'The Worker or the service behind it is having trouble.');
    assert.deepEqual(sent, [`${stack.workerUrl}/v1/get_page_backlinks`]);
    assert.ok(stack.standIn.log.length <= 2, `${stack.standIn.log.length} calls reached the API`);
    const quoted = failed.message.match(/answered 503/g) ?? [];
    assert.ok(quoted.length <= 1, `the 503 is quoted ${quoted.length} times: ${failed.message}`);
    await finish(page);
  });

  test('a rate limit of the Worker is counted down, then tried again; Cancel stops the wait', async () => {
    const page = await open();
    const origin = new URL(stack.pageUrl).origin;
    const posts = [];
    let refusals = 0;
    await page.route(`${stack.workerUrl}/v1/get_page_backlinks`, (route) => {
      posts.push(Date.now());
      if (refusals-- <= 0) return route.continue();
      return route.fulfill({ // the Worker's own 429, as it answers it
        status: 429,
        headers: {
          'content-type': 'application/json; charset=utf-8', 'retry-after': '3', 'x-should-retry': 'false',
          'access-control-allow-origin': origin, 'access-control-expose-headers': 'retry-after, x-cache, x-should-retry',
        },
        body: JSON.stringify({ code: 'rate_limited', message: 'Too many lookups from your address: wait 3 s before trying again.' }),
      });
    });

    refusals = 1;
    await submit(page, { url: `https://example.net/limited-${Date.now()}`, num: 5 });
    await page.waitForSelector('#status[data-countdown]');
    assert.match(await text(page, '#status'), /^The Worker is limiting how often it looks up: trying again in [23] s\. Cancel \(or Esc\) stops\.$/);
    const seen = new Set();
    while (await page.locator('#status[data-countdown]').count()) {
      seen.add(await page.getAttribute('#status', 'data-countdown').catch(() => null));
      await page.waitForTimeout(200);
    }
    assert.ok(seen.has('2') && seen.has('1'), `counted down: ${[...seen]}`);
    await page.waitForSelector('#results:not([hidden])');
    assert.equal(posts.length, 2, 'one refused request, then one after the wait');
    assert.ok(posts[1] - posts[0] >= 2500, `waited ${posts[1] - posts[0]} ms`);

    refusals = 1;
    posts.length = 0;
    await submit(page, { url: `https://example.net/limited-${Date.now()}`, num: 5 });
    await page.waitForSelector('#status[data-countdown]');
    assert.equal(await page.isVisible('#cancel'), true);
    await page.click('#cancel');
    await page.waitForSelector('#cancel', { state: 'hidden' });
    assert.equal(await text(page, '#status'), 'Cancelled. No results are shown.');
    await page.waitForTimeout(3500);
    assert.equal(posts.length, 1, 'nothing sent after the cancel');
    await finish(page);
  });

  test('summaries: referring domains, anchor texts in their groups, and one-click include or exclude of a referring domain', async () => {
    const page = await open();
    const row = (anchor_text, domain_source, n) => ({
      anchor_text, domain_source, domain_target: 'acme.example', url_source: `https://${domain_source}/post-${n}`, url_target: 'https://www.acme.example/',
    });
    const data = [
      row('Acme shop', 'a.example', 1), row('acme.example', 'b.example', 2), row('https://acme.example/pricing', 'b.example', 3),
      row('click here', 'a.example', 4), row('', 'c.example', 5), row('ACME', 'a.example', 6),
    ];
    const origin = new URL(stack.pageUrl).origin;
    await page.route(`${stack.workerUrl}/v1/get_page_backlinks`, (route) => route.fulfill({
      status: 200,
      headers: { 'content-type': 'application/json', 'access-control-allow-origin': origin },
      body: JSON.stringify({ data, credits_consumed: 6, time_taken: 0.2 }),
    }));
    await lookUp(page, { url: 'https://www.acme.example/', num: 10 });
    assert.equal(await text(page, '#sum-domains'), '3 distinct source domains');
    assert.deepEqual(await page.$$eval('#chart .chart-label', (ts) => ts.map((t) => t.textContent)), ['a.example', 'b.example', 'c.example']);
    const groups = await page.$$eval('#anchors .anchor-group', (boxes) => boxes.map((b) => [
      b.dataset.group, b.querySelector('.anchor-head').firstChild.textContent + b.querySelector('.anchor-head').childNodes[1].textContent,
      [...b.querySelectorAll('.anchor-text')].map((a) => a.textContent),
    ]));
    assert.deepEqual(groups, [
      ['brand', 'Brand 2 (33%)', ['ACME', 'Acme shop']],
      ['url', 'Bare URL 2 (33%)', ['acme.example', 'https://acme.example/pricing']],
      ['other', 'Other 1 (17%)', ['click here']],
      ['empty', 'Empty 1 (17%)', []],
    ]);

    await page.click('#domain-actions button[aria-label="Only a.example"]');
    assert.deepEqual(await columnTexts(page, 1), ['Acme shop', 'click here', 'ACME']);
    assert.equal(await text(page, '#domain-filter .chip'), 'Only a.example Remove');
    await page.click('#domain-filter button[aria-label="Remove Only a.example"]');
    assert.equal(await page.locator('#backlinks tbody tr').count(), 6);
    await page.click('#domain-actions button[aria-label="Exclude a.example"]');
    await page.click('#domain-actions button[aria-label="Exclude c.example"]');
    assert.deepEqual(await columnTexts(page, 1), ['acme.example', 'https://acme.example/pricing']);
    assert.equal(await text(page, '#shown-count'), 'Showing 2 of 6 backlinks.');
    const doc = JSON.parse((await download(page, '#export-json')).text);
    assert.deepEqual(doc.filters, { text: '', only_domain: null, excluded_domains: ['a.example', 'c.example'] });
    assert.deepEqual(doc.rows, { filtered: true, shown: 2, total: 6, note: doc.rows.note });
    assert.equal(doc.data.length, 2);
    await assertAccessible(page, 'summaries with domain filters');
    await finish(page);
  });

  test('recent lookups reopen from localStorage without a request; the key is never stored', async () => {
    const page = await open();
    await useDirect(page, TEST_KEYS.valid);
    await lookUp(page, { url: SAMPLE_PAGE, num: 5 });
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    const stored = await page.evaluate(() => Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`).join('\n'));
    assert.ok(stored.includes(SAMPLE_PAGE));
    assert.equal(stored.includes(TEST_KEYS.valid), false, 'the key is not stored');
    const [entry] = JSON.parse(await page.evaluate(() => localStorage.getItem('backlinks-demo:recent')));
    assert.deepEqual(Object.keys(entry).sort(), ['credits', 'id', 'kind', 'num', 'saved', 'targets', 'time']);
    assert.deepEqual([entry.targets, entry.kind, entry.num, entry.credits], [[SAMPLE_PAGE], 'page', 5, 5]);
    assert.match(await text(page, '#recent-list li'), /^https:\/\/example\.com\/ every link to the page, 5 asked, 5 credits, /);

    stack.standIn.clearLog();
    const sent = [];
    page.on('request', (r) => { if (r.method() === 'POST') sent.push(r.url()); });
    await page.click('#recent-list button');
    await page.waitForSelector('#results:not([hidden])');
    assert.match(await text(page, '#result-note'), /^Reopened from this browser's history .*: nothing was sent, 0 credits charged\.$/);
    assert.equal(await text(page, '#sum-credits'), '0 charged now; the first lookup cost 5');
    assert.equal(await page.locator('#backlinks tbody tr').count(), 5);
    assert.deepEqual(sent, []);
    assert.equal(stack.standIn.log.length, 0);
    await page.click('#recent-clear');
    assert.equal(await page.isHidden('#recent'), true);
    await finish(page);
  });

  test('axe-core finds no violation: first load, results, error, on desktop and phone', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await open(viewport);
      await assertAccessible(page, `first load, ${viewport.width} px`);
      await lookUp(page, { url: SAMPLE_PAGE, num: 5 });
      await assertAccessible(page, `results, ${viewport.width} px`);
      await useDirect(page, TEST_KEYS.bronze);
      await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
      await page.click('#error summary'); // the details open too
      await assertAccessible(page, `error, ${viewport.width} px`);
      await page.fill('#target', 'example.com');
      await page.locator('#target').blur();
      await page.waitForSelector('#target-offers:visible');
      await assertAccessible(page, `field error, ${viewport.width} px`);
      await finish(page);
    }
  });
});
describe('demo page: a list of pages with lookupMany', () => {
  const LIST = ['https://example.org/list-a', 'https://example.org/list-b', 'not a page', 'https://example.org/list-c'];

  /** Switches to list mode and fills it. */
  async function fillList(page, { targets = LIST, num = 20, cap = 50 } = {}) {
    await page.check('#scope-list');
    await page.check('#kind-page');
    await page.setChecked('#unique', false);
    await page.fill('#targets', targets.join('\n'));
    await page.fill('#num', String(num));
    await page.fill('#max-credits', String(cap));
  }

  test('worst case and cap before the run; a status per target; one combined table with a target column; exports of every target', async () => {
    const page = await open();
    await fillList(page);
    await page.waitForFunction(() => document.getElementById('cost').textContent.includes('not valid'));
    assert.equal(await text(page, '#cost'),
      '3 targets (1 not valid, skipped). Worst case: 60 credits (1 credit per backlink). More than your cap of 50 credits: targets that could go over it are skipped.');
    await assertAccessible(page, 'list mode, before the run');
    stack.standIn.clearLog();
    await page.click('#submit');
    await page.waitForSelector('#run-panel:not([hidden])');
    const rows = await page.$$eval('#run-body tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    assert.deepEqual(rows.map((r) => r[0]), LIST);
    assert.deepEqual(rows.map((r) => r[1].split(':')[0]), ['Done', 'Done', 'Failed', 'Skipped']);
    assert.match(rows[3][1], /credit cap/);
    assert.equal(stack.standIn.log.length, 2, 'nothing sent for the invalid or the skipped target');
    assert.deepEqual([await page.getAttribute('#progress', 'value'), await page.getAttribute('#progress', 'max')], ['4', '4']);
    assert.equal(await page.isHidden('#progress'), true, 'hidden again; the status says the outcome');
    assert.equal(await text(page, '#status'), 'Done: 2 ok, 1 failed, 1 skipped, of 4 targets; 40 credits spent.');
    assert.match(await text(page, '#sum-query'), /^3 pages · /, 'the line that was not a page is not counted as one');
    const keys = await page.$$eval('#backlinks th', (ths) => ths.map((th) => th.dataset.key));
    assert.equal(keys[0], 'target');
    assert.equal(await page.locator('#backlinks tbody tr').count(), 40);
    const csv = await download(page, '#export-csv');
    const lines = csv.text.slice(1).split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'target,anchor_text,url_source,domain_source,url_target,domain_target');
    assert.equal(lines.length, 41);
    assert.deepEqual([...new Set(lines.slice(1).map((l) => l.split(',')[0]))], LIST.slice(0, 2));
    const json = JSON.parse((await download(page, '#export-json')).text);
    assert.deepEqual(json.targets.map((t) => t.status), ['ok', 'ok', 'failed', 'skipped']);
    assert.equal(json.data.length, 40);
    await assertAccessible(page, 'list mode, results');
    await finish(page);
  });

  test('progress while it runs, and Cancel keeps what was done', async () => {
    const page = await open(PHONE);
    const targets = Array.from({ length: 8 }, (_, i) => `https://example.org/slow-${Date.now()}-${i}`);
    await fillList(page, { targets, num: 5, cap: 1000 });
    stack.standIn.enqueueFault({ delayMs: 1500, times: 8 });
    await page.click('#submit');
    await page.waitForFunction(() => /^[1-9]\d* of 8 targets done/.test(document.getElementById('status').textContent), null, { timeout: 15000 });
    assert.ok(Number(await page.getAttribute('#progress', 'value')) >= 1);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#run-panel:not([hidden])');
    stack.standIn.clearFaults();
    assert.match(await text(page, '#status'), /^Cancelled: [1-7] ok, \d failed, \d skipped, of 8 targets; /);
    const statuses = await page.$$eval('#run-body tr', (trs) => trs.map((tr) => tr.dataset.status));
    assert.ok(statuses.includes('ok') && statuses.some((s) => s !== 'ok'), statuses.join());
    await assertAccessible(page, 'list mode, phone');
    await finish(page);
  });
});
