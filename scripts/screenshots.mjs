// `make screenshots`: refreshes the README's pictures of the demo page with
// headless Chromium, against the demo stack (stand-in API + Worker + page):
//   www/screenshots/lookup.png    one lookup through the Worker, desktop
//   www/screenshots/list.png      a list run, desktop
//   www/screenshots/phone.png     one lookup on a phone
// Timings and ports differ on every run, so the pictures are refreshed on
// request only, never by `make test`.

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium, openPage } from '../tests/support/chromium.mjs';
import { startDemoStack } from './demo-stack.mjs';

const OUT = fileURLToPath(new URL('../www/screenshots/', import.meta.url));
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

async function open(browser, stack, viewport) {
  const page = await openPage(browser, { viewport, deviceScaleFactor: 1 });
  await page.goto(stack.pageUrl);
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

async function lookUp(page, { target, num, domain = false }) {
  await page.check(domain ? '#kind-domain' : '#kind-page');
  await page.fill('#target', target);
  await page.fill('#num', String(num));
  await page.click('#submit');
  await page.waitForSelector('#results:not([hidden])');
  await page.locator('#submit').focus(); // no focus ring on the results heading in the picture
  await page.locator('#submit').blur();
}

const [stack, browser] = await Promise.all([startDemoStack(), launchChromium()]);
try {
  await mkdir(OUT, { recursive: true });

  const desktop = await open(browser, stack, DESKTOP);
  await lookUp(desktop, { target: 'https://example.org/guide', num: 40 });
  await desktop.evaluate(() => window.scrollTo(0, 0));
  await desktop.screenshot({ path: `${OUT}lookup.png` });
  console.log(`wrote ${OUT}lookup.png`);

  if (await desktop.isVisible('#scope-list')) {
    await desktop.check('#scope-list');
    await desktop.fill('#targets', ['https://example.org/guide', 'https://example.org/pricing', 'https://example.net/blog/launch', 'not a page'].join('\n'));
    await desktop.fill('#num', '20');
    await desktop.fill('#max-credits', '100');
    await desktop.click('#submit');
    await desktop.waitForSelector('#run-panel:not([hidden])');
    await desktop.locator('#submit').focus();
    await desktop.locator('#submit').blur();
    await desktop.evaluate(() => window.scrollTo(0, 0));
    await desktop.screenshot({ path: `${OUT}list.png` });
    console.log(`wrote ${OUT}list.png`);
  } else {
    console.log('no list mode in this package build: list.png not refreshed');
  }
  await desktop.context().close();

  const phone = await open(browser, stack, PHONE);
  await lookUp(phone, { target: 'https://example.com/', num: 5 });
  await phone.locator('#results-title').scrollIntoViewIfNeeded();
  await phone.evaluate(() => document.getElementById('results-title').scrollIntoView({ block: 'start' }));
  await phone.screenshot({ path: `${OUT}phone.png` });
  console.log(`wrote ${OUT}phone.png`);
  await phone.context().close();
} finally {
  await Promise.allSettled([browser.close(), stack.close()]);
}
