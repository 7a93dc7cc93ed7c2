// The command-line tool run as a subprocess with piped output, against the
// stand-in: each format, stdin, each exit code, spreadsheet-safe CSV, the
// key only from the environment, and `npx` from an installed package.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startStandIn } from '../../stand-in/server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The bin as npm links it for the repo (package.json depends on file:./pkg;
// scripts/build-pkg.sh links it).
const CLI = join(root, 'node_modules/.bin/keywords-everywhere-backlinks');

let api;
before(async () => {
  api = await startStandIn();
});
after(() => api.close());

/** Runs the tool; resolves to `{ code, stdout, stderr }`. */
function cli(args, { env = {}, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, KE_API_KEY: api.keys.valid, KE_BASE_URL: api.url, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const HEADER = ['target', 'anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target'];
const SAMPLE = 'https://example.com/';

describe('formats', () => {
  test('csv: RFC 4180 with a header, CRLF, quoting; data only on stdout', async () => {
    const r = await cli(['page', SAMPLE, '--num', '3', '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\r\n');
    assert.equal(lines.at(-1), '', 'every record ends in CRLF');
    assert.equal(lines[0], HEADER.join(','));
    assert.equal(lines.length, 5);
    assert.equal(lines[1], 'https://example.com/,example.com,reddit.com,example.com,https://www.reddit.com/r/dns/comments/1an8jx0/bind_reverse_lookup_failing,https://example.com');
    assert.match(r.stderr, /worst case: 3 credits/);
    assert.match(r.stderr, /1 target: 1 done, 0 failed, 0 skipped; 3 credits spent/);
    assert.doesNotMatch(r.stderr, /\x1b\[/, 'no colour when stderr is not a terminal');
  });

  test('csv is safe in a spreadsheet: formula-like cells are neutralised, quotes doubled', async () => {
    const r = await cli(['page', 'https://tricky.example/', '--num', '50', '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /,"'=HYPERLINK\(""http:\/\/evil.example"",""click""\)",/);
    assert.match(r.stdout, /,'@SUM\(A1\),/);
    for (const line of r.stdout.split('\r\n')) {
      for (const cell of line.split(',')) assert.doesNotMatch(cell, /^"?[=+\-@\t\r]/, `unsafe cell ${cell}`);
    }
  });

  test('tsv, json, ndjson and table hold the same rows', async () => {
    const json = await cli(['page', SAMPLE, 'https://a.test/', '--num', '2', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout);
    assert.equal(rows.length, 4);
    assert.deepEqual(Object.keys(rows[0]), HEADER);
    assert.deepEqual(rows.map((row) => row.target), [SAMPLE, SAMPLE, 'https://a.test/', 'https://a.test/']);

    const ndjson = await cli(['page', SAMPLE, 'https://a.test/', '--num', '2', '--format', 'ndjson']);
    assert.deepEqual(ndjson.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)), rows);

    const tsv = await cli(['page', SAMPLE, 'https://a.test/', '--num', '2', '--format', 'tsv']);
    const tsvRows = tsv.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(tsvRows[0], HEADER);
    assert.deepEqual(tsvRows.slice(1), rows.map((row) => HEADER.map((k) => row[k])));

    const table = await cli(['page', SAMPLE, 'https://a.test/', '--num', '2', '--format', 'table']);
    const tableLines = table.stdout.trimEnd().split('\n');
    assert.match(tableLines[0], /^target\s+anchor_text\s+domain_source\s+domain_target\s+url_source\s+url_target$/);
    assert.equal(tableLines.length, 5);
    assert.ok(tableLines[1].startsWith(SAMPLE));
  });

  test('table columns line up in terminal columns: wide characters count two', async () => {
    const r = await cli(['unique-page', SAMPLE, '--num', '3', '--format', 'table']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    // Where the third column starts, in terminal columns (the fixture's wide
    // characters are CJK, each two columns).
    const column = (line, cell) => {
      const before = line.slice(0, line.indexOf(cell));
      return before.length + (before.match(/[\u3000-\u9fff]/g) ?? []).length;
    };
    const header = column(lines[0], 'domain_source');
    const wide = lines.find((line) => line.includes('カレー'));
    assert.ok(wide, r.stdout);
    assert.equal(column(wide, 'w3.org'), header, r.stdout);
  });

  test('piped without --format, the rows are csv', async () => {
    const r = await cli(['page', SAMPLE, '--num', '1']);
    assert.equal(r.stdout.split('\r\n')[0], HEADER.join(','));
  });
});

describe('kinds', () => {
  test('domain and unique-domain look up domains', async () => {
    api.clearLog();
    const r = await cli(['unique-domain', 'example.com', '--num', '2', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /worst case: 10 credits/);
    assert.equal(api.log[0].path, '/v1/get_unique_domain_backlinks');
    assert.ok(JSON.parse(r.stdout).every((row) => row.target === 'example.com'));
  });

  test('credits prints the balance alone', async () => {
    const r = await cli(['credits']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\n$/);
    const refused = await cli(['credits'], { env: { KE_API_KEY: 'ke_wrong' } });
    assert.equal(refused.code, 3);
    assert.equal(refused.stdout, '');
  });
});

describe('targets', () => {
  test('from stdin with --input -, beside arguments; blank and # lines skipped', async () => {
    api.clearLog();
    const r = await cli(['page', 'https://arg.test/', '--input', '-', '--num', '1', '--format', 'ndjson'], {
      input: '# a list\n\nhttps://one.test/\r\n  https://two.test/  \n#https://not.test/\n',
    });
    assert.equal(r.code, 0, r.stderr);
    const targets = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).target);
    assert.deepEqual(targets, ['https://arg.test/', 'https://one.test/', 'https://two.test/']);
    assert.equal(api.log.length, 3);
  });

  test('from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ke-cli-'));
    try {
      writeFileSync(join(dir, 'list.txt'), 'https://f1.test/\nhttps://f2.test/\n');
      const r = await cli(['page', '--input', join(dir, 'list.txt'), '--num', '1', '--format', 'json']);
      assert.deepEqual(JSON.parse(r.stdout).map((row) => row.target), ['https://f1.test/', 'https://f2.test/']);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('exit codes', () => {
  test('0: every target ok', async () => {
    assert.equal((await cli(['page', SAMPLE, '--num', '1'])).code, 0);
  });

  test('1: some targets failed (each named with its error), the others still written', async () => {
    const r = await cli(['page', SAMPLE, 'not-a-url', '--num', '1', '--format', 'ndjson']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout.trimEnd().split('\n').length, 1);
    assert.match(r.stderr, /failed not-a-url: invalid_argument: /);
    assert.match(r.stderr, /2 targets: 1 done, 1 failed, 0 skipped; 1 credits spent/);
  });

  for (const [name, args, env] of [
    ['a usage error', ['pages', SAMPLE], {}],
    ['no targets', ['page'], {}],
    ['an unknown option', ['page', SAMPLE, '--colour'], {}],
    ['a bad --num', ['page', SAMPLE, '--num', 'ten'], {}],
    ['a --num out of range', ['page', SAMPLE, '--num', '10001'], {}],
    ['a bad --format', ['page', SAMPLE, '--format', 'xml'], {}],
    ['a bad --concurrency', ['page', SAMPLE, '--concurrency', '64'], {}],
    ['a missing --input file', ['page', '--input', '/nonexistent/list.txt'], {}],
    ['no key', ['page', SAMPLE], { KE_API_KEY: '', KE_BASE_URL: '' }],
  ]) {
    test(`2: ${name}; nothing sent`, async () => {
      api.clearLog();
      const r = await cli(args, { env });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /error/);
      assert.equal(api.log.length, 0);
    });
  }

  test('2: a key or base URL given as a flag says which environment variable to set, never echoing it', async () => {
    for (const [args, said] of [
      [['page', SAMPLE, '--api-key', 'ke_flag_secret'], /unknown option --api-key: the API key is read from the environment only \(KE_API_KEY\)/],
      [['page', SAMPLE, '--api_key=ke_flag_secret'], /unknown option --api_key: .*KE_API_KEY/],
      [['page', SAMPLE, '--base-url', 'http://127.0.0.1:9'], /unknown option --base-url: set the base URL with the environment variable KE_BASE_URL/],
    ]) {
      api.clearLog();
      const r = await cli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, said);
      assert.doesNotMatch(r.stderr, /ke_flag_secret/);
      assert.equal(api.log.length, 0);
    }
  });

  test('1: credits through a proxy without the balance route says so', async () => {
    const r = await cli(['credits'], { env: { KE_BASE_URL: `${api.url}/no-balance-here` } });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /error: http_error: .*404/);
    assert.match(r.stderr, /hint: KE_BASE_URL points at a proxy that does not serve the balance/);
  });

  test('3: the key was refused (401); the key is never printed', async () => {
    const r = await cli(['page', SAMPLE, 'https://b.test/', '--num', '1'], { env: { KE_API_KEY: 'ke_wrong_secret_key' } });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /unauthorized/);
    assert.doesNotMatch(r.stdout + r.stderr, /ke_wrong_secret_key/);
  });

  test('KEYWORDS_EVERYWHERE_API_KEY is an alias of KE_API_KEY', async () => {
    const r = await cli(['page', SAMPLE, '--num', '1'], { env: { KE_API_KEY: '', KEYWORDS_EVERYWHERE_API_KEY: api.keys.valid } });
    assert.equal(r.code, 0, r.stderr);
  });

  test('4: a 402 answer', async () => {
    const r = await cli(['page', SAMPLE, '--num', '1'], { env: { KE_API_KEY: api.keys.bronze } });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /plan_required/);
  });

  test('4: the --max-credits cap was reached', async () => {
    api.clearLog();
    const r = await cli(['page', 'https://c1.test/', 'https://c2.test/', '--num', '5', '--max-credits', '7', '--format', 'ndjson']);
    assert.equal(r.code, 4);
    assert.equal(api.log.length, 1);
    assert.match(r.stderr, /skipped 1 target: budget_exceeded/);
    assert.equal(r.stdout.trimEnd().split('\n').length, 5);
  });
});

describe('before a run', () => {
  test('--dry-run prints the worst case and sends nothing', async () => {
    api.clearLog();
    const r = await cli(['page', SAMPLE, 'https://b.test/', '--num', '7', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /worst case: 14 credits for 2 targets/);
    assert.match(r.stderr, /dry run: nothing sent/);
    assert.equal(api.log.length, 0);
  });

  test('--dry-run with a cap too small says so, and exits 4', async () => {
    const r = await cli(['page', SAMPLE, 'https://b.test/', '--num', '7', '--max-credits', '10', '--dry-run']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /--max-credits 10 leaves room for 1/);
  });

  test('--help', async () => {
    const r = await cli(['--help'], { env: { KE_API_KEY: '', KE_BASE_URL: '' } });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage:/);
    assert.match(r.stdout, /KE_API_KEY/);
  });
});

describe('on a terminal', () => {
  // stderr on a pseudo-terminal (util-linux `script`), stdout to a file.
  const onTerminal = (env) => new Promise((resolve, reject) => {
    const dir = mkdtempSync(join(tmpdir(), 'ke-tty-'));
    const child = spawn('script', ['-qec', `"${CLI}" page https://a.test/ https://b.test/ --num 1 --format json > "${join(dir, 'out.json')}"`, '/dev/null'], {
      env: { PATH: process.env.PATH, TERM: 'xterm', KE_API_KEY: api.keys.valid, KE_BASE_URL: api.url, ...env },
    });
    let terminal = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { terminal += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = readFileSync(join(dir, 'out.json'), 'utf8');
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, terminal, stdout });
    });
  });

  test('progress and colour on a terminal; data still on stdout alone', async () => {
    const r = await onTerminal({});
    assert.equal(r.code, 0, r.terminal);
    assert.match(r.terminal, /\r\x1b\[K1\/2 done: /);
    assert.match(r.terminal, /\r\x1b\[K2\/2 done: 2 ok, 0 failed, 0 skipped; 2 credits/);
    assert.match(r.terminal, /\x1b\[32m2 done\x1b\[0m/);
    assert.equal(JSON.parse(r.stdout).length, 2);
  });

  test('NO_COLOR: progress, but no colour', async () => {
    const r = await onTerminal({ NO_COLOR: '1' });
    assert.equal(r.code, 0, r.terminal);
    assert.match(r.terminal, /2\/2 done/);
    assert.doesNotMatch(r.terminal, /\x1b\[\d+m/);
  });
});

describe('npx', () => {
  test('an installed package runs as `npx keywords-everywhere-backlinks`', async () => {
    const run = promisify(execFile);
    const dir = mkdtempSync(join(tmpdir(), 'ke-npx-'));
    try {
      const { stdout: packed } = await run('npm', ['pack', join(root, 'pkg'), '--pack-destination', dir, '--silent']);
      writeFileSync(join(dir, 'package.json'), '{"name":"npx-check","private":true}');
      await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(dir, packed.trim())], { cwd: dir });
      const manifest = JSON.parse(readFileSync(join(dir, 'node_modules/keywords-everywhere-backlinks/package.json'), 'utf8'));
      assert.equal(manifest.bin['keywords-everywhere-backlinks'], './cli.js');
      const env = { ...process.env, KE_API_KEY: api.keys.valid, KE_BASE_URL: api.url };
      const { stdout } = await run('npx', ['--offline', 'keywords-everywhere-backlinks', 'page', SAMPLE, '--num', '2', '--format', 'json'], { cwd: dir, env });
      assert.equal(JSON.parse(stdout).length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('table cells', () => {
  test('unsafe characters show as U+FFFD, cells are cut at whole characters by width', async () => {
    const { tableCell } = await import(new URL('../../pkg/format.js', import.meta.url));
    // Bidirectional controls could reorder what a row appears to say; control
    // characters could move the cursor.
    assert.equal(tableCell('abc\u202Edef\u2066g\u001b[31mh').text, 'abc\ufffddef\ufffdg\ufffd[31mh');
    assert.deepEqual(tableCell('カレー'), { text: 'カレー', width: 6 });
    assert.deepEqual(tableCell('e\u0301'), { text: 'e\u0301', width: 1 });
    assert.deepEqual(tableCell('👍🏽'), { text: '👍🏽', width: 2 });
    // 60 columns at most: 29 wide characters and the ellipsis, never half an emoji.
    assert.deepEqual(tableCell('カ'.repeat(40)), { text: `${'カ'.repeat(29)}…`, width: 59 });
    const cut = tableCell('x'.repeat(58) + '😀😀');
    assert.deepEqual(cut, { text: `${'x'.repeat(58)}…`, width: 59 });
    assert.equal(tableCell('y'.repeat(60)).text, 'y'.repeat(60));
  });
});
