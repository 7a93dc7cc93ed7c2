// Where a cache hit's CPU goes inside the Worker: the same 3,000 cache hits sent to the Worker
// and to the plain-JS Worker (bench/plain-worker/), each under `wrangler dev` and sampled by
// the V8 CPU profiler through wrangler's DevTools inspector (the Chrome DevTools Protocol's
// Profiler domain). Prints the samples per hit of each Worker, their ratio, and the Worker's
// functions that took the most samples.
//
// What it shows: the share of a hit spent in the Worker's own isolate (its JS and the runtime
// calls it makes), apart from what wrangler dev's proxy, the local Cache API and the client
// cost, which bench/worker-load.mjs's end-to-end figures include. Samples are counted, not
// timed: workerd samples only while the isolate runs, so a count times the interval is a
// relative figure (compare the two Workers, or two functions), not wall time.
//
// Run: node bench/worker-profile.mjs

import WebSocket from 'ws';
import { fileURLToPath } from 'node:url';
import { startWorkerDev } from '../scripts/worker-dev.mjs';
import { TEST_KEYS, startStandIn } from '../stand-in/server.mjs';

const HITS = 3000;
const CONCURRENCY = 4;
const INTERVAL_US = 50;
const TOP = 15;
const ORIGIN = 'http://127.0.0.1:9';
const PAGE = 'https://example.com/bench-profile';
const PLAIN_CONFIG = fileURLToPath(new URL('./plain-worker/wrangler.toml', import.meta.url));
/** The profiler's entries for time outside JS: not the Worker's work. */
const NOT_BUSY = /^\((idle|program)\)$/;

let sent = 0;

/** One lookup of PAGE, from its own client address (the Worker's per-IP limit). */
async function lookUp(url) {
  const n = sent++;
  const response = await fetch(`${url}/v1/get_page_backlinks`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'cf-connecting-ip': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    body: new URLSearchParams({ page: PAGE, num: '10' }),
  });
  await response.arrayBuffer();
  return response.headers.get('x-cache');
}

/** A DevTools Protocol session on the Worker's inspector. */
async function inspect(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let lastId = 0;
  const pending = new Map();
  socket.on('message', (data) => {
    const message = JSON.parse(data);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++lastId;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

/** Samples per hit of each function (name and line in the bundle), with idle time apart. */
async function profileHits(worker) {
  for (let i = 0; i < 50; i++) await lookUp(worker.url); // warm: the isolate, the wasm, the cache entry
  const session = await inspect(worker.inspectorPort);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: INTERVAL_US });
  await session.send('Profiler.start');
  let next = 0;
  let misses = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < HITS) if ((await lookUp(worker.url)) !== 'HIT') misses++;
  }));
  const { result } = await session.send('Profiler.stop');
  session.close();
  if (misses > 0) throw new Error(`${misses} of ${HITS} lookups were not cache hits`);
  const nodes = new Map(result.profile.nodes.map((node) => [node.id, node.callFrame]));
  const perFunction = new Map();
  for (const id of result.profile.samples) {
    const { functionName, url, lineNumber } = nodes.get(id);
    const name = url ? `${functionName || '(anonymous)'} (bundle line ${lineNumber + 1})` : functionName || '(anonymous)';
    perFunction.set(name, (perFunction.get(name) ?? 0) + 1);
  }
  let busy = 0;
  for (const [name, count] of perFunction) if (!NOT_BUSY.test(name)) busy += count;
  return { busyPerHit: busy / HITS, perFunction };
}

const standIn = await startStandIn();
const workers = [];
try {
  const options = { upstreamUrl: standIn.url, apiKey: TEST_KEYS.valid, vars: { ALLOWED_ORIGINS: ORIGIN, DAILY_CREDIT_BUDGET: '1000000000' } };
  workers.push(await startWorkerDev(options), await startWorkerDev({ ...options, config: PLAIN_CONFIG }));
  const [real, plain] = [await profileHits(workers[0]), await profileHits(workers[1])];
  console.log(`CPU samples in the Worker's isolate per cache hit (${HITS} hits each, concurrency ${CONCURRENCY}, one sample per ${INTERVAL_US} µs of running):`);
  console.log(`  package Worker ${real.busyPerHit.toFixed(2)}, plain JS Worker ${plain.busyPerHit.toFixed(2)}: ${(real.busyPerHit / plain.busyPerHit).toFixed(2)}x`);
  console.log(`  the package Worker's ${TOP} busiest functions, samples per hit (runtime calls have no bundle line):`);
  const top = [...real.perFunction].filter(([name]) => !NOT_BUSY.test(name)).sort((a, b) => b[1] - a[1]).slice(0, TOP);
  for (const [name, count] of top) console.log(`    ${(count / HITS).toFixed(3).padStart(6)}  ${name}`);
} finally {
  await Promise.all(workers.map((worker) => worker.close()));
  await standIn.close();
}
