// Reliability (issue 5): 1,000 concurrent calls with mixed outcomes, three
// identical rounds. Every call must settle (none hangs) with its own right
// result or error, and after a warm-up round the next rounds must not grow
// the wasm linear memory at all, nor the JS heap by more than a small slack.
//
// The stand-in runs in a child process, so that neither its allocations nor
// its work land in the heap and event loop measured here. The calls go
// through the wasm-bindgen glue that pkg/node.js bundles, imported on its
// own: the published entry does not expose the wasm instance, whose memory
// and externref table this test reads. A test checks that the glue defines
// every import the .wasm asks for, as the entry does.
//
// Run: node --test tests/js/memory.test.mjs   (about 10 s; prints the figures)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as glue from '../../pkg/keywords_everywhere_backlinks.js';
import { mulberry32 } from '../../stand-in/fixtures.mjs';
import { SCENARIO_HOST, TEST_KEYS } from '../../stand-in/server.mjs';
import { standInControl } from '../contract/cases.mjs';
import { gc } from '../support/gc.mjs';
import { secretsIn, watchOutput } from '../support/leaks.mjs';

const CALLS = 1000;
const ROUNDS = 3;
/**
 * Per-attempt limit of the round's clients: far above any answer's latency
 * under load. 2,500 ms was not: with both cores busy (other builds and tests
 * on the machine), 600 of the first round's 1,000 calls timed out before the
 * stand-in, a process of its own, had answered them.
 */
const TIMEOUT_MS = 10_000;
/** A round that has not settled by then has a call that hangs (the slowest calls wait 3 x TIMEOUT_MS). */
const ROUND_DEADLINE_MS = 90_000;
/**
 * Growth of the JS heap allowed from round 1 to rounds 2 and 3, after a full
 * gc: V8 and fetch's connection pool still settle in round 2 and 3 (about
 * +0.5 and +0.8 MB measured here, flat from round 4 on). Objects the package
 * would keep are caught exactly by the FinalizationRegistry count instead.
 */
const HEAP_SLACK_BYTES = 2 * 1024 * 1024;

const SERVER_PATH = fileURLToPath(new URL('../../stand-in/server.mjs', import.meta.url));
const WASM_PATH = fileURLToPath(new URL('../../pkg/keywords_everywhere_backlinks_bg.wasm', import.meta.url));
const GLUE_PATH = fileURLToPath(new URL('../../pkg/keywords_everywhere_backlinks.js', import.meta.url));
const NODE_ENTRY_PATH = fileURLToPath(new URL('../../pkg/node.js', import.meta.url));
const wasm = glue.initSync({ module: readFileSync(WASM_PATH) });
// Found by type: the build shortens export names (scripts/minify-names.mjs).
const wasmMemory = Object.values(wasm).find((v) => v instanceof WebAssembly.Memory);
const externrefTable = Object.values(wasm).find((v) => v instanceof WebAssembly.Table);
const { BacklinksClient } = glue;
const [snippet] = readdirSync(new URL('../../pkg/snippets/', import.meta.url));
const { KeywordsEverywhereError } = await import(`../../pkg/snippets/${snippet}/js/error.js`);

const scenario = (query, i) => `https://${SCENARIO_HOST}/?${query}&call=${i}`;

/**
 * The kinds of call a round mixes, in turn: each makes its arguments from the
 * call's index and a seeded random source, and says what must come back.
 * `expect` is `{ items, credits, page }` for a success, or an error's
 * `{ code, status?, field?, retryAfter? }`.
 */
const KINDS = [
  {
    name: 'page backlinks',
    make: (i) => {
      const page = `https://pages.example/article/${i}?ref=a&b=%20c`;
      const num = 1 + (i % 60);
      return { params: { page, num }, expect: { items: num, credits: num, page } };
    },
  },
  {
    name: 'unique backlinks',
    method: 'getUniquePageBacklinks',
    make: (i) => {
      const page = `https://unique.example/${i}`;
      const num = 1 + (i % 25);
      return { params: { page, num }, expect: { items: num, credits: 5 * num, page } };
    },
  },
  { name: '503 always', make: (i) => ({ params: { page: scenario('status=503', i), num: 3 }, expect: { code: 'server_error', status: 503 } }) },
  {
    name: '429 always',
    make: (i) => ({ params: { page: scenario('status=429&retryAfter=0', i), num: 3 }, expect: { code: 'rate_limited', status: 429, retryAfter: 0 } }),
  },
  { name: '200 with HTML', make: (i) => ({ params: { page: scenario('html=1', i), num: 3 }, expect: { code: 'invalid_response', status: 200 } }) },
  { name: 'truncated JSON', make: (i) => ({ params: { page: scenario('truncate=1', i), num: 3 }, expect: { code: 'invalid_response', status: 200 } }) },
  {
    name: 'slower than the timeout',
    make: (i) => ({ params: { page: scenario(`delayMs=${TIMEOUT_MS * 3}`, i), num: 3 }, expect: { code: 'timeout' } }),
  },
  {
    // Aborted at a random time while the server is slow to answer, or
    // before the call when the random time is 0. (Aborts while a body is
    // read, which need a forced gc to test, are rows of reliability.test.mjs.)
    name: 'aborted',
    make: (i, random) => {
      const controller = new AbortController();
      const atMs = Math.floor(random() * 300);
      if (atMs === 0) controller.abort();
      else setTimeout(() => controller.abort(), atMs);
      return { params: { page: scenario(`delayMs=${TIMEOUT_MS * 3}`, i), num: 3, signal: controller.signal }, expect: { code: 'aborted' } };
    },
  },
  {
    // Aborted at a random time while waiting 2 s to retry a 429.
    name: 'aborted in a retry wait',
    make: (i, random) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200 + Math.floor(random() * 800));
      return { params: { page: scenario('status=429&retryAfter=2', i), num: 3, signal: controller.signal }, expect: { code: 'aborted' } };
    },
  },
  {
    name: 'invalid arguments',
    make: (i) => {
      const page = `https://pages.example/${i}`;
      const bad = [
        [{ page: `ftp://pages.example/${i}`, num: 5 }, 'page'],
        [{ page, num: 0 }, 'num'],
        [{ page, num: String(1 + (i % 9)) }, 'num'],
        [{ page, num: 2.5 }, 'num'],
        [{ page, num: 5, limit: 5 }, 'params'],
      ][i % 5];
      return { params: bad[0], expect: { code: 'invalid_argument', field: bad[1] } };
    },
  },
];

/** What is wrong with one settled call, or null when it is right. */
function mismatch(settled, expect) {
  if (expect.code) {
    if (settled.status === 'fulfilled') return `resolved, expected ${expect.code}`;
    const e = settled.reason;
    if (!(e instanceof KeywordsEverywhereError)) return `not a KeywordsEverywhereError: ${e}`;
    for (const key of ['code', 'status', 'field', 'retryAfter']) {
      if (key in expect && e[key] !== expect[key]) return `${key} ${e[key]}, expected ${expect[key]} (${e.code}: ${e.message})`;
    }
    return null;
  }
  if (settled.status === 'rejected') return `rejected: ${settled.reason?.code}: ${settled.reason?.message}`;
  const { data, credits_consumed: credits } = settled.value;
  if (data.length !== expect.items) return `${data.length} backlinks, expected ${expect.items}`;
  if (credits !== expect.credits) return `credits_consumed ${credits}, expected ${expect.credits}`;
  if (!data.every((l) => l.url_target === expect.page)) return `url_target is not ${expect.page}`;
  return null;
}

/** Calls `method` on `client`, turning a synchronous throw into a mismatch. */
function call(client, method, params) {
  try {
    return client[method](params);
  } catch (e) {
    return Promise.reject(new Error(`threw synchronously instead of rejecting: ${e}`));
  }
}

/** Counts the collected objects it was given: what the package still holds is never counted. */
const collected = { count: 0 };
const registry = new FinalizationRegistry(() => { collected.count++; });

/**
 * One round of CALLS concurrent calls, kinds in turn; the same seed makes
 * the same round. Returns only counts, so no result outlives the round; the
 * client and every result and error are watched by `registry`.
 */
async function round(baseUrl, seed) {
  const random = mulberry32(seed);
  // A fresh client each round, left to the garbage collector as users do.
  const client = new BacklinksClient({ apiKey: TEST_KEYS.valid, baseUrl, timeoutMs: TIMEOUT_MS, maxRetries: 1 });
  registry.register(client, null);
  let settledCount = 0;
  const calls = Array.from({ length: CALLS }, (_, i) => {
    const kind = KINDS[i % KINDS.length];
    const { params, expect } = kind.make(i, random);
    const promise = call(client, kind.method ?? 'getPageBacklinks', params).finally(() => settledCount++);
    return { kind: kind.name, i, expect, promise };
  });
  let deadline;
  const timedOut = new Promise((resolve) => { deadline = setTimeout(resolve, ROUND_DEADLINE_MS, 'timed out'); });
  const all = Promise.allSettled(calls.map((c) => c.promise));
  const outcome = await Promise.race([all, timedOut]);
  clearTimeout(deadline);
  assert.notEqual(outcome, 'timed out', `${CALLS - settledCount} of ${CALLS} calls still pending after ${ROUND_DEADLINE_MS} ms`);
  const wrong = [];
  const leaks = [];
  outcome.forEach((settled, n) => {
    const { kind, i, expect } = calls[n];
    const problem = mismatch(settled, expect);
    if (problem) wrong.push(`call ${i} (${kind}): ${problem}`);
    const value = settled.value ?? settled.reason;
    leaks.push(...secretsIn(value, [TEST_KEYS.valid]));
    registry.register(value, null);
  });
  return { wrong, leaks, settled: outcome.length };
}

/**
 * Memory after a full collection (twice, so finalizers that free wasm memory
 * run between). With `expected`, collects again (for up to 5 s) until that
 * many objects are reported collected: on a busy machine the finalization
 * callbacks can take longer than 50 ms to be run.
 */
async function memory(expected = 0) {
  gc();
  await sleep(50);
  gc();
  for (const started = Date.now(); collected.count < expected && Date.now() - started < 5000;) {
    await sleep(50);
    gc();
  }
  return {
    wasmBytes: wasmMemory.buffer.byteLength,
    externrefs: externrefTable?.length,
    heapBytes: process.memoryUsage().heapUsed,
    collected: collected.count,
  };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

let standIn;
let server;
before(async () => {
  server = spawn(process.execPath, [SERVER_PATH, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  server.stdout.on('data', (d) => { stdout += d; });
  while (!stdout.includes('\n')) await once(server.stdout, 'data');
  standIn = standInControl(/http:\/\/[\d.:]+/.exec(stdout)[0]);
});
after(async () => {
  server.kill('SIGTERM');
  await once(server, 'exit');
});

test('the glue driven here fits the .wasm the Node entry loads, as the entry does', () => {
  // Every import the .wasm asks for is defined in both files: as a glue
  // function, or as a JS snippet's function (js/transport.js) joined in by name.
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(WASM_PATH))).map((i) => i.name);
  const defines = (text, name) => new RegExp(`[\\s,{]${name.replace(/\$/g, '\\$')}: (function|[\\w$.]+,)`).test(text);
  const glueText = readFileSync(GLUE_PATH, 'utf8');
  const entryText = readFileSync(NODE_ENTRY_PATH, 'utf8');
  assert.ok(imports.length > 20, `only ${imports.length} imports`);
  assert.deepEqual(imports.filter((n) => !defines(glueText, n) || !defines(entryText, n)), []);
  assert.ok(wasmMemory instanceof WebAssembly.Memory);
  assert.ok(externrefTable instanceof WebAssembly.Table);
});

test(`${CALLS} concurrent calls with mixed outcomes, ${ROUNDS} rounds: all settle right, memory returns to its level`, async (t) => {
  const output = watchOutput();
  const figures = [{ round: 'before', ...(await memory()) }];
  try {
    for (let r = 1; r <= ROUNDS; r++) {
      const started = performance.now();
      const { wrong, leaks, settled } = await round(standIn.base, 42);
      const ms = performance.now() - started;
      assert.equal(settled, CALLS);
      assert.deepEqual(wrong.slice(0, 10), [], `round ${r}: ${wrong.length} of ${CALLS} calls came back wrong`);
      assert.deepEqual(leaks, [], `round ${r}: the key leaked`);
      await standIn.clearLog(); // the stand-in's log is in its own process; keep it small
      figures.push({ round: r, ms: Math.round(ms), ...(await memory((CALLS + 1) * r)) });
    }
  } finally {
    output.stop();
  }
  for (const f of figures) {
    t.diagnostic(`${f.round === 'before' ? 'before' : `after round ${f.round} (${f.ms} ms)`}: `
      + `wasm memory ${mb(f.wasmBytes)} (${f.wasmBytes} B), externref table ${f.externrefs}, JS heap ${mb(f.heapBytes)}, `
      + `collected ${f.collected} of the ${(CALLS + 1) * (f.round === 'before' ? 0 : f.round)} clients, results and errors so far`);
  }
  assert.deepEqual(output.packageOutput(), [], 'the package printed something');
  for (const f of figures.slice(1)) {
    assert.equal(f.collected, (CALLS + 1) * f.round, `after round ${f.round}, the package still holds a client, result or error`);
  }
  const [, warm, ...later] = figures;
  for (const f of later) {
    assert.equal(f.wasmBytes, warm.wasmBytes, `wasm memory grew in round ${f.round}`);
    if (warm.externrefs !== undefined) assert.ok(f.externrefs <= warm.externrefs, `externref table grew in round ${f.round}`);
    const growth = f.heapBytes - warm.heapBytes;
    assert.ok(growth <= HEAP_SLACK_BYTES, `JS heap grew by ${mb(growth)} in round ${f.round} (slack ${mb(HEAP_SLACK_BYTES)})`);
  }
});
