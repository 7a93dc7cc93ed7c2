// The demo page in real headless Chromium, against the stack `make demo`
// runs: the stand-in API, the Worker in front of it, and the static server.
// Run: node --test tests/browser/demo-page.test.mjs

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startDemoStack } from '../../scripts/demo-stack.mjs';
import { TEST_KEYS, TRICKY_BACKLINKS } from '../../stand-in/server.mjs';
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

/** Fills the form and submits it. */
async function submit(page, { url, num = 10, unique = false }) {
  await page.fill('#page', url);
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
  return page.evaluate(() => Object.fromEntries(['code', 'message', 'description', 'advice']
    .map((k) => [k, document.getElementById(`error-${k}`).textContent])));
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
    await page.screenshot({ path: `${SCREENSHOTS}/demo-desktop.png` });
    // The README's picture changes (ports, timings) on every run: refresh it on request or when missing.
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(path('www/screenshot.png'))) {
      await copyFile(`${SCREENSHOTS}/demo-desktop.png`, path('www/screenshot.png'));
    }
    await finish(page);
  });

  test('the worst-case cost follows num and the switch; a bad num is explained inline', async () => {
    const page = await open();
    const unlabelled = await page.$$eval('input, button', (els) => els.filter((e) => !(e.labels?.length || e.textContent.trim())).map((e) => e.id));
    assert.deepEqual(unlabelled, []);
    assert.equal(await text(page, '#cost'), 'Worst-case cost: 10 credits (1 credit per backlink).');
    await page.check('#unique');
    assert.equal(await text(page, '#cost'), 'Worst-case cost: 50 credits (5 credits per backlink, one per domain).');
    await page.fill('#num', '2000');
    assert.match(await text(page, '#cost'), /10,000 credits/);
    await page.uncheck('#unique');
    assert.match(await text(page, '#cost'), /2,000 credits/);
    await page.fill('#num', '1');
    assert.match(await text(page, '#cost'), /: 1 credit \(/);

    await page.fill('#num', '10001');
    assert.equal(await text(page, '#cost'), 'Worst-case cost: fix num to see it.');
    assert.match(await text(page, '#num-error'), /whole number from 1 to 10000/);
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
      'line\u2028separator and nul\u0000byte',
    ]);
    assert.deepEqual(anchors.slice(10), ['', '', '']);

    await page.click('th[data-key="domain_source"] button'); // exports follow the view
    await page.fill('#filter', 'tricky-source-1');
    const json = await download(page, '#export-json');
    assert.match(json.name, /^backlinks-tricky\.example-\d{4}-\d\d-\d\d\.json$/);
    const doc = JSON.parse(json.text);
    assert.equal(doc.page, TRICKY_PAGE);
    assert.equal(doc.endpoint, 'get_page_backlinks');
    assert.equal(doc.credits_consumed, 13);
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

  test('a refusal by the Worker itself is shown with its reason', async () => {
    const page = await open();
    const refused = await lookUpError(page, { url: SAMPLE_PAGE, num: 5000 }); // above the Worker's MAX_NUM
    assert.equal(refused.code, 'bad_request');
    assert.match(refused.message, /MAX_NUM/);
    assert.match(refused.advice, /Check the page URL and num/);
    await finish(page);
  });

  test('at phone width everything fits in 375 px', async () => {
    const page = await open(PHONE);
    await lookUp(page, { url: SAMPLE_PAGE, num: 5, unique: true });
    assert.equal(await text(page, '#sum-credits'), '25 worst case 25');
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
    assert.match(await text(page, '#sum-query'), /one link per domain · direct$/);
    assert.equal(stack.standIn.log.length, 1);
    assert.equal(stack.standIn.log[0].path, '/v1/get_unique_page_backlinks');
    assert.equal(stack.standIn.log[0].authorization, `Bearer ${TEST_KEYS.valid}`);
    assert.equal(new URL(page.url()).search.includes(TEST_KEYS.valid), false);
    await finish(page);
  });

  test('each API error shows its code, message, description and what to do', async () => {
    const page = await open();
    const cases = [
      [TEST_KEYS.valid.replace('valid', 'wrong'), 10, 'unauthorized', /check your api key/i, ''],
      [TEST_KEYS.noSubscription, 10, 'subscription_required', /subscription/i, 'A valid subscription is required to access this resource.'],
      [TEST_KEYS.bronze, 10, 'plan_required', /Gold or Platinum plan is needed/, 'A Gold or Platinum Plan subscription is required to access this resource.'],
      [TEST_KEYS.lowCredits, 200, 'insufficient_credits', /Buy more credits/, 'You do not have sufficient credits to complete this request.'],
      [TEST_KEYS.other402, 10, 'payment_required', /billing/, 'Your last payment failed.'],
    ];
    for (const [key, num, code, advice, description] of cases) {
      await useDirect(page, key);
      const shown = await lookUpError(page, { url: SAMPLE_PAGE, num });
      assert.equal(shown.code, code);
      assert.match(shown.advice, advice);
      assert.equal(shown.description, description);
      assert.equal(await page.isVisible('#error-description'), Boolean(description));
      assert.match(shown.message, /^\S.*\.$/);
      assert.equal(await page.isHidden('#results'), true);
    }

    await useDirect(page, TEST_KEYS.valid);
    stack.standIn.enqueueFault({ status: 429, retryAfter: '120' }); // more than the client waits by itself
    const limited = await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(limited.code, 'rate_limited');
    assert.equal(limited.advice, 'Too many requests: wait 120 s, then try again.');

    stack.standIn.enqueueFault({ status: 503, times: 3 }); // the first try and both retries
    const failing = await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(failing.code, 'server_error');

    await useDirect(page, TEST_KEYS.valid, `http://127.0.0.1:${await closedPort()}`);
    const offline = await lookUpError(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(offline.code, 'network_error');
    assert.match(offline.advice, /API base URL/);

    await useDirect(page, TEST_KEYS.valid, stack.standIn.url);
    await lookUp(page, { url: SAMPLE_PAGE, num: 5 });
    assert.equal(await page.isHidden('#error'), true, 'a success clears the error');
    await finish(page);
  });

  test('invalid input is explained inline from the package, and nothing is sent', async () => {
    const page = await open();
    stack.standIn.clearLog();
    await page.fill('#page', 'example.com/no-scheme');
    await page.locator('#page').blur();
    await page.waitForSelector('#page-error:visible');
    assert.match(await text(page, '#page-error'), /not an absolute http\(s\) URL/);
    await page.fill('#page', 'https://example.com/');
    await page.waitForSelector('#page-error', { state: 'hidden' });

    await page.fill('#page', 'ftp://example.com/');
    await page.click('#submit');
    await page.waitForSelector('#status:has-text("Nothing was sent")');
    assert.match(await text(page, '#page-error'), /scheme is not http: or https:/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'page');
    assert.equal(await page.getAttribute('#page', 'aria-invalid'), 'true');

    await useDirect(page, '');
    await page.evaluate(() => { document.getElementById('status').textContent = ''; });
    await submit(page, { url: SAMPLE_PAGE, num: 5 });
    await page.waitForSelector('#status:has-text("Nothing was sent")');
    assert.match(await text(page, '#api-key-error'), /apiKey/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'api-key');
    assert.equal(await page.isHidden('#error'), true);
    assert.equal(stack.standIn.log.length, 0);
    await finish(page);
  });
});
