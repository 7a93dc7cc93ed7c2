// The README's bulk example (`<!-- readme-test: node-bulk -->`), run as a
// user runs it, against the stand-in (tests/support/redirect-api.mjs points
// the real API's address at it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startStandIn, TEST_KEYS } from '../../stand-in/server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = `${root}tests/out/readme/`;
const readme = readFileSync(`${root}README.md`, 'utf8');

let standIn;
before(async () => {
  standIn = await startStandIn();
  mkdirSync(out, { recursive: true });
});
after(() => standIn.close());

test('README bulk example: the cap skips what does not fit, an invalid target fails alone, summaries print', async () => {
  const m = /<!-- readme-test: node-bulk -->\s*```\w+\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'README has a node-bulk example');
  writeFileSync(`${out}node-bulk-example.mjs`, m[1]);
  const { stdout, stderr } = await promisify(execFile)(process.execPath,
    ['--import', `${root}tests/support/redirect-api.mjs`, `${out}node-bulk-example.mjs`],
    { env: { ...process.env, KE_API_KEY: TEST_KEYS.valid, KE_TEST_API_URL: standIn.url } });
  assert.equal(stdout, [
    'worst case 10 credits, spent 5',
    'https://example.com/: top domain reddit.com, top anchor "example.com"',
    'https://example.org/: skipped, budget_exceeded',
    'example.net: failed, invalid_argument',
    '',
  ].join('\n'));
  assert.equal(stderr, '1/3 done, 5 credits\n2/3 done, 5 credits\n3/3 done, 5 credits\n');
});
