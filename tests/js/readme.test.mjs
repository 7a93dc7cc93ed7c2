// Runs the README's examples as written: the Node one in a child process, the
// Worker one bundled by wrangler and run in workerd (Miniflare), the browser
// one in headless Chromium. Calls meant for the real API reach the stand-in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { startStandIn, TEST_KEYS } from '../../stand-in/server.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = `${root}tests/out/readme/`;
const readme = readFileSync(`${root}README.md`, 'utf8');

/** The code block right after `<!-- readme-test: NAME -->`. */
function example(name) {
  const m = new RegExp(`<!-- readme-test: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
  assert.ok(m, `README has a ${name} example`);
  return m[1];
}

let standIn;
before(async () => {
  standIn = await startStandIn();
  mkdirSync(out, { recursive: true });
});
after(() => standIn.close());

async function runNode(apiKey, name = 'node') {
  writeFileSync(`${out}${name}-example.mjs`, example(name));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      ['--import', `${root}tests/support/redirect-api.mjs`, `${out}${name}-example.mjs`],
      { env: { ...process.env, KE_API_KEY: apiKey, KE_TEST_API_URL: standIn.url } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('README Node example: prints the backlinks and their cost', async () => {
  const r = await runNode(TEST_KEYS.valid);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /worst case: 5 credits/);
  assert.match(r.stdout, /https:\/\/www\.reddit\.com\/user\/therealadyjewel -> "Hoopla!"/);
  assert.match(r.stdout, /5 backlinks for 5 credits/);
});

test('README Node example: a wrong key prints the error code and fails', async () => {
  const r = await runNode('ke_not_a_key_42');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^unauthorized: /);
  assert.ok(!r.stderr.includes('ke_not_a_key_42'));
});

test('README domain example: prints the whole domain\'s backlinks (the docs\' sample)', async () => {
  const r = await runNode(TEST_KEYS.valid, 'node-domain');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 5);
  assert.match(r.stdout, /^https:\/\/www\.amazon\.com\/collectif\/e\/b07fpb9c3j -> http:\/\/example\.com$/m);
});

test('README unique domain example: prints the worst case, then one backlink per source domain', async () => {
  const r = await runNode(TEST_KEYS.valid, 'node-unique-domain');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'at most 25 credits\namazon.com, microsoft.com, reddit.com, forbes.com, ibm.com for 25 credits\n');
});

test('README credits example: the balance goes down by what the lookup spent', async () => {
  const r = await runNode(TEST_KEYS.valid, 'node-credits');
  assert.equal(r.code, 0, r.stderr);
  const [, before, after, spent] = /^balance (\d+) -> (\d+) \((\d+) spent\)\n$/.exec(r.stdout) ?? [];
  assert.equal(Number(spent), 3, r.stdout);
  assert.equal(Number(before) - Number(after), 3, r.stdout);
});

test('README lookupBody example: the body to answer with and its credits', async () => {
  const r = await runNode(TEST_KEYS.valid, 'node-lookup-body');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d{3,} bytes to answer with, 2 credits\n$/);
});

test('README Worker example: runs in workerd, answers backlinks and errors as JSON', async () => {
  const dir = `${out}worker/`;
  mkdirSync(`${dir}dist`, { recursive: true });
  writeFileSync(`${dir}index.mjs`, example('worker'));
  writeFileSync(`${dir}wrangler.toml`, 'name = "readme-example"\nmain = "index.mjs"\ncompatibility_date = "2026-04-01"\n');
  execFileSync(`${root}node_modules/.bin/wrangler`, ['deploy', '--dry-run', '--outdir', `${dir}dist`, '--config', `${dir}wrangler.toml`],
    { cwd: root, stdio: 'pipe' });
  const mf = new Miniflare({
    modules: true,
    modulesRoot: `${dir}dist`,
    scriptPath: `${dir}dist/index.js`,
    modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }, { type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-01',
    bindings: { KE_API_KEY: TEST_KEYS.valid },
    // The Worker's calls to the real API go to the stand-in.
    outboundService: async (request) => {
      const url = new URL(request.url);
      assert.equal(url.origin, 'https://api.keywordseverywhere.com');
      return fetch(`${standIn.url}${url.pathname}`, { method: request.method, headers: request.headers, body: await request.text() });
    },
  });
  try {
    const ok = await mf.dispatchFetch('http://worker/?page=https://example.com/');
    assert.equal(ok.status, 200);
    const body = await ok.json();
    assert.equal(body.data.length, 5);
    assert.equal(body.credits_consumed, 5);
    const bad = await mf.dispatchFetch('http://worker/?page=ftp://example.com/');
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, 'invalid_argument');
  } finally {
    await mf.dispose();
  }
});

test('README browser example: runs as plain ESM in Chromium through a key-holding proxy', async () => {
  // The example goes in <head>, so <body> holds only what the example writes.
  writeFileSync(`${out}browser-example.html`, `<!doctype html><html><head><meta charset="utf-8">${example('browser')}</head><body></body></html>`);
  const site = await startStaticServer({ mounts: { '/': out, '/node_modules/keywords-everywhere-backlinks/': `${root}pkg` } });
  const browser = await launchChromium();
  try {
    const page = await openPage(browser);
    // Play the proxy: add the key and forward to the stand-in.
    await page.route('https://backlinks-proxy.example/**', async (route) => {
      const path = new URL(route.request().url()).pathname;
      const response = await route.fetch({
        url: `${standIn.url}${path}`,
        headers: { ...route.request().headers(), authorization: `Bearer ${TEST_KEYS.valid}` },
      });
      await route.fulfill({ response });
    });
    await page.goto(`${site.url}/browser-example.html`);
    await page.waitForFunction(() => document.body.textContent !== '');
    assert.equal(await page.evaluate(() => document.body.textContent), 'reddit.com, w3.org, forbes.com');
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await site.close();
  }
});
