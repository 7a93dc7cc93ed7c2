// The package contract in Node, importing the package by its npm name.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import * as lib from 'keywords-everywhere-backlinks';
import { startStandIn } from '../../stand-in/server.mjs';
import { cases, standInControl } from '../contract/cases.mjs';

let standIn;
/** What a CommonJS `script` run by `node -e` in the repo root prints. */
async function nodeEval(script) {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: new URL('../../', import.meta.url) });
  return stdout;
}
const ctx = { lib, seen: [] };
before(async () => {
  standIn = await startStandIn();
  ctx.api = standInControl(standIn.url);
});
after(() => standIn.close());

for (const c of cases) {
  test(c.name, async () => {
    try {
      await c.run(ctx);
    } finally {
      standIn.clearFaults();
    }
  });
}

// The Node entry has no top-level await, so CommonJS can load it where Node
// allows require() of ES modules (Node >= 20.19): same API, a working call.
test('CommonJS require() of the package works and runs a call', async () => {
  const script = `
    const { BacklinksClient, KeywordsEverywhereError, estimateCredits } = require('keywords-everywhere-backlinks');
    const client = new BacklinksClient({ apiKey: 'k', baseUrl: ${JSON.stringify(standIn.url)}, maxRetries: 0 });
    client.getPageBacklinks({ page: 'https://example.com/', num: 1 }).then(
      () => console.log('resolved'),
      (e) => console.log(JSON.stringify({ code: e.code, isError: e instanceof KeywordsEverywhereError, credits: estimateCredits('unique', 3) })),
    );`;
  const stdout = await nodeEval(script);
  // 'k' is no key the stand-in knows: a typed 401 proves the whole path ran.
  assert.deepEqual(JSON.parse(stdout), { code: 'unauthorized', isError: true, credits: 15 });
});

// The Node entry gets node:fs from process.getBuiltinModule (Node >= 20.16,
// >= 22.3). On an older Node, simulated here by deleting it before the
// import, importing the package fails with a message that says what to do.
test('on a Node without process.getBuiltinModule, the import says which Node it needs', async () => {
  const script = `
    delete process.getBuiltinModule;
    import('keywords-everywhere-backlinks').then(
      () => console.log('imported'),
      (e) => console.log(e.message),
    );`;
  const stdout = await nodeEval(script);
  assert.match(stdout, /needs Node 20\.16 or later \(22\.3 or later on Node 22\): this is Node v\d+\.\d+\.\d+/);
});

// Node loads its fetch implementation (about 20 ms) the first time `fetch`
// runs or `Headers`, `Request`, `Response` or `FormData` is read. Importing
// the package and making a client must touch none of them: an app that makes
// a client and never calls it pays nothing for it (see `headersFor` in
// js/transport.js). Watched through the globals themselves (each replaced by
// an accessor that records a read and hands over the original), not through
// Node's internals. A call then uses `fetch`, as any client does.
test('importing the package and making a client touch none of the globals that load Node\'s fetch; a call does', async () => {
  const script = `
    const touched = [];
    for (const name of ['fetch', 'Headers', 'Request', 'Response', 'FormData']) {
      const original = Object.getOwnPropertyDescriptor(globalThis, name);
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          if (!touched.includes(name)) touched.push(name);
          return original.get ? original.get.call(globalThis) : original.value;
        },
      });
    }
    const { BacklinksClient } = require('keywords-everywhere-backlinks');
    const client = new BacklinksClient({ apiKey: 'k', baseUrl: ${JSON.stringify(standIn.url)}, maxRetries: 0 });
    const before = [...touched];
    client.getPageBacklinks({ page: 'https://example.com/', num: 1 }).then(
      (r) => console.log(JSON.stringify({ before, fetched: touched.includes('fetch'), settled: 'resolved' })),
      (e) => console.log(JSON.stringify({ before, fetched: touched.includes('fetch'), settled: e.code })),
    );`;
  // 'k' is no key the stand-in knows: a 401 proves the request went out.
  assert.deepEqual(JSON.parse(await nodeEval(script)), { before: [], fetched: true, settled: 'unauthorized' });
});
