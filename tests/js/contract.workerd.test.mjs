// The package contract in the real Workers runtime: wrangler bundles a Worker
// that imports the package by name, Miniflare (workerd) runs it, and each
// contract case becomes one test here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { startStandIn } from '../../stand-in/server.mjs';
import { cases } from '../contract/cases.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
let standIn;
let mf;
let results;
let outdir;

before(async () => {
  standIn = await startStandIn();
  outdir = mkdtempSync(join(tmpdir(), 'kebl-workerd-'));
  execFileSync(join(root, 'node_modules/.bin/wrangler'), [
    'deploy', '--dry-run', '--outdir', outdir, '--config', join(root, 'tests/contract/workerd/wrangler.toml'),
  ], { cwd: root, stdio: 'pipe', env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } });
  const wasm = readdirSync(outdir).find((f) => f.endsWith('.wasm'));
  assert.ok(wasm, 'wrangler emitted the .wasm as its own module');
  mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, 'index.js'),
    modulesRoot: outdir,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2026-04-01',
    bindings: { STAND_IN_URL: standIn.url },
    host: '127.0.0.1',
  });
  const response = await mf.dispatchFetch('http://localhost/');
  results = await response.json();
});

after(async () => {
  await mf?.dispose();
  await standIn?.close();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

for (const c of cases) {
  test(`workerd: ${c.name}`, () => {
    const r = results.find((x) => x.name === c.name);
    assert.ok(r, 'the case ran');
    assert.ok(r.ok, r.error);
  });
}
