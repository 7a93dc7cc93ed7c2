// Runs the Worker (worker/) under `wrangler dev --local` on 127.0.0.1, for the demo, the
// browser tests, the Node tests and the load script.
//
//   import { startWorkerDev } from './scripts/worker-dev.mjs';
//   const worker = await startWorkerDev({ upstreamUrl: standIn.url, apiKey: TEST_KEYS.valid });
//   ... fetch(`${worker.url}/health`) ...
//   await worker.close();
//
// The key and the access tokens go to wrangler in a temporary env file (--env-file), so they
// are never on a command line, and wrangler prints them as "(hidden)". State (the Cache API,
// the rate limiter, the Durable Objects: the daily budget) lives in a temporary --persist-to
// folder, so every start is fresh and the repo stays clean; pass `persistTo` to keep it across
// a restart.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = join(REPO, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 64 * 1024;

/** Quiet, offline wrangler: no metrics, no error reports, no update check, no colour. */
const QUIET_ENV = {
  CI: 'true',
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  NO_COLOR: '1',
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port free on 127.0.0.1 right now. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `value` for an env file: quoted, so `#`, `=` and spaces survive. */
function envFileValue(value) {
  if (/[\r\n"]/.test(value)) throw new TypeError('startWorkerDev: apiKey and vars may not hold line breaks or double quotes');
  return `"${value}"`;
}

/** Resolves true once GET /health answers 200, false if `exited` settles first or time runs out. */
async function waitForHealth(url, exited) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return false;
}

/** Whether any process of group `pgid` is alive. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left after the grace time. */
async function stopGroup(child) {
  const pgid = child.pid;
  const signal = (name) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // already gone
    }
  };
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
  signal('SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  let timer;
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
  clearTimeout(timer);
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pgid)) signal('SIGKILL');
  await exited;
}

/**
 * Starts the Worker under `wrangler dev --local` and waits until GET /health answers.
 *
 * @param {object} options
 * @param {string} options.upstreamUrl The API (or stand-in) the Worker calls: its KE_BASE_URL.
 * @param {string} options.apiKey The Worker's secret KE_API_KEY.
 * @param {number} [options.port] Where it listens on 127.0.0.1; a free port when left out.
 * @param {Record<string, string>} [options.vars] More vars, e.g. `{ ALLOWED_ORIGINS: 'http://127.0.0.1:8080' }`.
 * @param {string[]} [options.accessTokens] The Worker's secret ACCESS_TOKENS (none when left out).
 * @param {string} [options.persistTo] A folder for the Worker's state that outlives this run
 *   (a restart with the same folder keeps the day's budget); a temporary one when left out.
 * @param {string} [options.config] Another wrangler config to run (default worker/wrangler.toml).
 * @param {NodeJS.WritableStream} [options.output] Where to copy wrangler's output (its request log lines).
 * @returns {Promise<{ url: string, port: number, inspectorPort: number, output: () => string, close: () => Promise<void> }>}
 *   `inspectorPort`: wrangler's DevTools inspector (CPU profiles of the Worker);
 *   `output()` is wrangler's output so far (its last 64 KiB); `close()` stops the whole process
 *   group (wrangler, esbuild, workerd), waits for it, and removes the temporary folder.
 */
export async function startWorkerDev({ upstreamUrl, apiKey, port, vars = {}, accessTokens = [], persistTo, config, output }) {
  if (typeof upstreamUrl !== 'string' || typeof apiKey !== 'string' || apiKey === '') {
    throw new TypeError('startWorkerDev: upstreamUrl and apiKey are required strings');
  }
  const listenPort = port ?? (await freePort());
  const inspectorPort = await freePort();
  const configPath = config ?? join(REPO, 'worker', 'wrangler.toml');
  const dir = await mkdtemp(join(tmpdir(), 'worker-dev-'));
  const envFile = join(dir, 'dev.env');
  const allVars = { KE_BASE_URL: upstreamUrl, ...vars };
  if (accessTokens.length > 0) allVars.ACCESS_TOKENS = accessTokens.join(',');
  const lines = [`KE_API_KEY=${envFileValue(apiKey)}`, ...Object.entries(allVars).map(([k, v]) => `${k}=${envFileValue(String(v))}`)];
  await writeFile(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });

  const args = [
    WRANGLER, 'dev',
    '--config', configPath,
    '--local',
    '--ip', HOST,
    '--port', String(listenPort),
    '--inspector-ip', HOST,
    '--inspector-port', String(inspectorPort),
    '--persist-to', persistTo ?? join(dir, 'state'),
    '--env-file', envFile,
    '--show-interactive-dev-session=false',
  ];
  const child = spawn(process.execPath, args, {
    cwd: join(configPath, '..'),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...QUIET_ENV, WRANGLER_LOG_PATH: join(dir, 'logs') },
  });
  let text = '';
  const collect = (chunk) => {
    text = (text + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    output?.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit');

  let closing = null;
  const close = () =>
    (closing ??= (async () => {
      await stopGroup(child);
      await rm(dir, { recursive: true, force: true });
    })());

  const url = `http://${HOST}:${listenPort}`;
  if (!(await waitForHealth(url, exited))) {
    await close();
    throw new Error(`wrangler dev did not answer GET ${url}/health in time. Its output:\n${text}`);
  }
  return { url, port: listenPort, inspectorPort, output: () => text, close };
}
