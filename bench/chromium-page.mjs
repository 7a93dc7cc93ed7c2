// Runs a bench page in headless Chromium as a user's browser runs it: with no
// DevTools client attached. The page gets its settings from, and posts its
// figures to, a collector on 127.0.0.1 whose address it gets in its query
// string (`collector`); so the stand-in's key is in no URL or command line.
//
// Why not Playwright, which drives the browser tests: it attaches over the
// DevTools protocol and turns on the Runtime and Network domains. With both
// on, Chromium captures the whole JS stack of each request inside `fetch()`
// (the initiator of `Network.requestWillBeSent`: 13 frames, 5 of them wasm,
// for the package's call, 2 for a plain `fetch` call; with Network alone,
// only the top frame), at a cost that grows with the stack's depth: under
// Playwright, 20 more frames made `fetch()` 30-40 us slower, and with no
// client attached they made no difference. The package's call is deeper,
// so under Playwright its num=5 ratio came out about 1.5-2% higher (paired
// ratios 1.045-1.059 with the two domains on, 1.028-1.038 with none; same
// launcher, alternating runs). `devtools` turns the domains on over a pipe,
// so that the bench can show that cost beside the figure users get.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../tests/support/chromium.mjs';

/**
 * The headers that make a page cross-origin isolated, which bench/page.html
 * requires: its `performance.now()` then moves in 5 us steps, not 100.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Opens `url` (plus `collector=<address>`); the page GETs `settings` as JSON
 * from the collector, and this resolves with the first JSON value it POSTs
 * there. The page reports a failure by posting `{ error: "..." }`, which
 * rejects, as does a page that posts nothing within `timeoutMs`.
 * @param {string} url
 * @param {{ settings?: unknown, devtools?: string[], timeoutMs?: number }} [options]
 *   devtools: DevTools domains to enable on the page before it loads (e.g.
 *   ['Runtime', 'Network']); none by default, and then no client attaches.
 * @returns {Promise<unknown>}
 */
export async function runPage(url, { settings = null, devtools = [], timeoutMs = 600_000 } = {}) {
  let settle;
  const posted = new Promise((resolve, reject) => {
    settle = (error, value) => (error ? reject(error) : resolve(value));
  });
  const collector = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const cors = { 'access-control-allow-origin': '*' };
      if (req.method === 'GET') {
        res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(settings));
        return;
      }
      res.writeHead(204, cors).end();
      if (req.method !== 'POST') return;
      try {
        const value = JSON.parse(body);
        if (value && typeof value === 'object' && 'error' in value) settle(new Error(`bench page: ${value.error}`));
        else settle(null, value);
      } catch (error) {
        settle(error);
      }
    });
  });
  await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const page = new URL(url);
  page.searchParams.set('collector', `http://127.0.0.1:${collector.address().port}/`);

  const profile = await mkdtemp(join(tmpdir(), 'bench-chromium-'));
  const pipe = devtools.length > 0;
  const args = ['--headless', ...CHROMIUM_FLAGS, `--user-data-dir=${profile}`];
  if (pipe) args.push('--remote-debugging-pipe');
  args.push(pipe ? 'about:blank' : page.href);
  // In a process group of its own, so that its renderer and helper
  // processes go with it.
  const browser = spawn(CHROMIUM_PATH, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let log = '';
  browser.stderr.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  browser.on('exit', (code) => settle(new Error(`Chromium exited (${code}) before the page posted:\n${log}`)));
  const timer = setTimeout(() => settle(new Error(`the page posted nothing in ${timeoutMs} ms`)), timeoutMs);
  try {
    if (pipe) await enableAndOpen(browser, devtools, page.href);
    return await posted;
  } finally {
    clearTimeout(timer);
    browser.removeAllListeners('exit');
    await stop(browser);
    collector.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

// Ends the browser's process group: SIGTERM, which lets Chromium close its
// other processes, then SIGKILL for what is left after two seconds.
async function stop(browser) {
  const group = (signal) => {
    try {
      process.kill(-browser.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const exited = browser.exitCode !== null || browser.signalCode !== null ? Promise.resolve() : new Promise((resolve) => browser.once('exit', resolve));
  group('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
  group('SIGKILL');
  await exited;
}

// Over --remote-debugging-pipe (messages are JSON ended by a NUL byte, fd 3
// to Chromium, fd 4 back): attaches to the blank page, enables `domains` on
// it, then navigates it to `url`.
async function enableAndOpen(browser, domains, url) {
  const pending = new Map();
  let nextId = 1;
  let buffer = '';
  browser.stdio[4].setEncoding('utf8');
  browser.stdio[4].on('data', (chunk) => {
    buffer += chunk;
    for (let end; (end = buffer.indexOf('\0')) >= 0; buffer = buffer.slice(end + 1)) {
      const message = JSON.parse(buffer.slice(0, end));
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      browser.stdio[3].write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  let target;
  for (let tries = 0; !target; tries++) {
    if (tries === 100) throw new Error('Chromium opened no page');
    target = (await send('Target.getTargets')).targetInfos.find((t) => t.type === 'page');
    if (!target) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { sessionId } = await send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
  for (const domain of domains) await send(`${domain}.enable`, {}, sessionId);
  await send('Page.navigate', { url }, sessionId);
}
