// The package contract in headless Chromium, twice: as plain ESM with an
// import map, and as an esbuild bundle (with the .wasm copied beside it, the
// one step esbuild users take). Each contract case becomes one test here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startStandIn } from '../../stand-in/server.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';
import { cases } from '../contract/cases.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bundleDir = `${root}tests/out/esbuild-contract/`;
let standIn;
let site;
let browser;
const results = {};

async function runPage(path) {
  const page = await openPage(browser);
  await page.goto(`${site.url}${path}?standIn=${encodeURIComponent(standIn.url)}`);
  await page.waitForFunction(() => window.__contract !== undefined, null, { timeout: 30_000 });
  const out = await page.evaluate(() => window.__contract);
  assert.deepEqual(page.errors, [], 'no uncaught page errors');
  await page.context().close();
  return out;
}

before(async () => {
  standIn = await startStandIn();
  rmSync(bundleDir, { recursive: true, force: true });
  mkdirSync(bundleDir, { recursive: true });
  await build({
    entryPoints: [`${root}tests/contract/browser-entry.mjs`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: `${bundleDir}bundle.js`,
    logLevel: 'silent',
  });
  copyFileSync(`${root}pkg/keywords_everywhere_backlinks_bg.wasm`, `${bundleDir}keywords_everywhere_backlinks_bg.wasm`);
  writeFileSync(`${bundleDir}bundle.html`, '<!doctype html><meta charset="utf-8"><script type="module" src="./bundle.js"></script>');
  site = await startStaticServer({ mounts: { '/': root } });
  browser = await launchChromium();
  results.esm = await runPage('/tests/contract/browser.html');
  results.bundle = await runPage('/tests/out/esbuild-contract/bundle.html');
});

after(async () => {
  await browser?.close();
  await site?.close();
  await standIn?.close();
});

for (const kind of ['esm', 'bundle']) {
  for (const c of cases) {
    test(`chromium ${kind}: ${c.name}`, () => {
      const r = results[kind].find((x) => x.name === c.name);
      assert.ok(r, 'the case ran');
      assert.ok(r.ok, r.error);
    });
  }
}
