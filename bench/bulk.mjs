// `make bench`: a bulk run's wall time against its ideal. The stand-in
// answers every call after a fixed delay (the latency of one call); a run of
// TARGETS targets at CONCURRENCY calls in flight can at best take
// ceil(TARGETS / CONCURRENCY) x DELAY. The bar: at most 1.10x that.
import { spawn } from 'node:child_process';
import { BacklinksClient } from 'keywords-everywhere-backlinks';
import { TEST_KEYS } from '../stand-in/server.mjs';

const TARGETS = 400;
const CONCURRENCY = 16;
const DELAY_MS = Number(process.env.BULK_BENCH_DELAY_MS ?? 200);
const RUNS = 3;
const BAR = 1.1;

// The stand-in runs in a process of its own, as an API does: its work is not
// counted in the client's.
const standIn = spawn(process.execPath, [new URL('../stand-in/server.mjs', import.meta.url).pathname, '--port', '0', '--quiet', '--delay-ms', String(DELAY_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  standIn.stdout.setEncoding('utf8').on('data', (d) => {
    const m = /http:\/\/[\d.:]+/.exec(d);
    if (m) resolve(m[0]);
  });
  standIn.once('exit', () => reject(new Error('the stand-in exited')));
});
const client = new BacklinksClient({ apiKey: TEST_KEYS.valid, baseUrl: url });
const targets = Array.from({ length: TARGETS }, (_, i) => `https://bulk${i}.test/page`);
const ideal = Math.ceil(TARGETS / CONCURRENCY) * DELAY_MS;

// One short run first, so that the times below are of a warmed process
// with its connections open.
await client.lookupMany({ kind: 'page', targets: targets.slice(0, CONCURRENCY), num: 5, concurrency: CONCURRENCY });

/**
 * The reference: what the machine allows. The same requests through plain
 * `fetch` from CONCURRENCY workers that each take the next target as soon as
 * their last call ends (the best a hand-written pool does), in the same
 * process, rotating with the package's runs.
 */
async function plainPool() {
  let next = 0;
  const worker = async () => {
    while (next < TARGETS) {
      const page = targets[next++];
      const response = await fetch(`${url}/v1/get_page_backlinks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEYS.valid}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: `page=${encodeURIComponent(page)}&num=5`,
      });
      if (!response.ok) throw new Error(`bulk bench: plain fetch got ${response.status}`);
      await response.json();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ours = [];
const plain = [];
for (let run = 0; run < RUNS; run++) {
  let start = performance.now();
  const { results } = await client.lookupMany({ kind: 'page', targets, num: 5, concurrency: CONCURRENCY });
  const ms = performance.now() - start;
  const ok = results.filter((r) => r.status === 'ok').length;
  if (ok !== TARGETS) throw new Error(`bulk bench: ${TARGETS - ok} targets not ok`);
  start = performance.now();
  await plainPool();
  const reference = performance.now() - start;
  ours.push(ms / ideal);
  plain.push(reference / ideal);
  console.log(`bulk: lookupMany ${ms.toFixed(0)} ms (${(ms / ideal).toFixed(3)}x the ideal ${ideal} ms); plain fetch pool ${reference.toFixed(0)} ms (${(reference / ideal).toFixed(3)}x)`);
}
standIn.kill();
const verdict = median(ours) <= BAR ? 'within the bar' : 'OVER the bar: compare the plain pool, which shows what the machine allows now';
console.log(`bulk: ${TARGETS} targets, concurrency ${CONCURRENCY}, ${DELAY_MS} ms a call: lookupMany median ${median(ours).toFixed(3)}x ceil(${TARGETS}/${CONCURRENCY}) x ${DELAY_MS} ms (bar ${BAR}x: ${verdict}); plain fetch pool median ${median(plain).toFixed(3)}x`);
