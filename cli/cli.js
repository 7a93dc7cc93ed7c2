#!/usr/bin/env node
// keywords-everywhere-backlinks: the package's command-line tool, a thin
// layer over its public API (what a user could write): arguments and
// environment in, `client.lookupMany` or `client.getCredits`, rows out.
// Data goes to stdout only; everything else to stderr. Exit codes: see USAGE.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BacklinksClient, KeywordsEverywhereError } from 'keywords-everywhere-backlinks';
import { FORMATS, formatRows, rowsOf } from './format.js';

const USAGE = `Usage:
  keywords-everywhere-backlinks <page|unique-page|domain|unique-domain> [target ...] [--input FILE|-]
      [--num N] [--format csv|tsv|json|ndjson|table] [--concurrency N] [--max-credits N] [--dry-run]
  keywords-everywhere-backlinks credits
  keywords-everywhere-backlinks --help

Looks up the backlinks of each target (pages as absolute URLs, or domains)
with the Keywords Everywhere API, and writes one row per backlink to stdout:
its target, then anchor_text, domain_source, domain_target, url_source,
url_target. \`credits\` prints the account's balance.

Options:
  --input FILE     read targets from FILE, one per line ("-" reads stdin);
                   blank lines and lines starting with # are skipped
  --num N          backlinks per target, 1 to 10000 (default 10)
  --format F       csv (RFC 4180, spreadsheet-safe), tsv, json (one array),
                   ndjson or table (default: table on a terminal, else csv)
  --concurrency N  lookups in flight at most, 1 to 32 (default 4)
  --max-credits N  never spend more than N credits on the run
  --dry-run        print the worst case and send nothing
  -h, --help       this text

Environment:
  KE_API_KEY       the API key (alias: KEYWORDS_EVERYWHERE_API_KEY); never a flag
  KE_BASE_URL      another base URL: a proxy that holds the key (then no key
                   is needed), or a local stand-in
  NO_COLOR         no colour on stderr

Exit codes:
  0  every target ok
  1  some targets failed or were skipped
  2  a usage error, a bad argument, or no key; nothing sent
  3  the key was refused (401)
  4  a 402 answer, or the --max-credits cap was reached
`;

const KINDS = { page: 'page', 'unique-page': 'unique_page', domain: 'domain', 'unique-domain': 'unique_domain' };
const PAYMENT = new Set(['subscription_required', 'plan_required', 'insufficient_credits', 'payment_required']);

/** A mistake in how the tool was called: exit 2, nothing sent. */
class UsageError extends Error {}

const stderr = process.stderr;
const colour = Boolean(stderr.isTTY) && !process.env.NO_COLOR;
const paint = (code, text) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const red = (text) => paint(31, text);
const green = (text) => paint(32, text);
const yellow = (text) => paint(33, text);
const say = (line) => stderr.write(`${line}\n`);

/** The options the tool takes (node:util parseArgs' form). */
const OPTIONS = {
  input: { type: 'string' },
  num: { type: 'string' },
  format: { type: 'string' },
  concurrency: { type: 'string' },
  'max-credits': { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Why `rawName` (an option the tool does not take) is wrong, with what to do instead. */
function unknownOption(rawName) {
  const name = rawName.replace(/^-+/, '').toLowerCase().replace(/_/g, '-');
  if (['api-key', 'apikey', 'key', 'k', 'token'].includes(name)) {
    return `unknown option ${rawName}: the API key is read from the environment only (KE_API_KEY), never from a flag, which would show in shell history and process lists.`;
  }
  if (['base-url', 'baseurl', 'url', 'endpoint', 'proxy'].includes(name)) {
    return `unknown option ${rawName}: set the base URL with the environment variable KE_BASE_URL.`;
  }
  return `unknown option ${rawName}.`;
}

// `| head` closes stdout early: stop writing, quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError) {
    say(`${red('error:')} ${error.message}\nRun with --help for usage.`);
    return 2;
  }
  if (error instanceof KeywordsEverywhereError) {
    say(`${red('error:')} ${error.code}: ${error.message}`);
    return error.code === 'invalid_argument' ? 2 : exitFor([error.code]);
  }
  throw error;
});

async function main(argv) {
  // A first, lenient pass names an unknown option (never its value) with a hint.
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(OPTIONS, token.name));
  if (unknown) throw new UsageError(unknownOption(unknown.rawName));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command, ...targets] = positionals;
  if (command === undefined) throw new UsageError('name a lookup (page, unique-page, domain, unique-domain) or `credits`.');
  if (command === 'credits') {
    if (targets.length || Object.keys(values).length) throw new UsageError('`credits` takes no targets or options.');
    let balance;
    try {
      balance = await client().getCredits();
    } catch (error) {
      if (!(error instanceof KeywordsEverywhereError && error.status === 404 && process.env.KE_BASE_URL)) throw error;
      say(`${red('error:')} ${error.code}: ${error.message}`);
      say(`${yellow('hint:')} KE_BASE_URL points at a proxy that does not serve the balance (this package's Worker keeps its owner's balance private): ask the API itself, with KE_API_KEY set and KE_BASE_URL unset.`);
      return 1;
    }
    process.stdout.write(`${balance}\n`);
    return 0;
  }
  const kind = KINDS[command];
  if (!kind) throw new UsageError(`unknown command ${JSON.stringify(command)}: use page, unique-page, domain, unique-domain or credits.`);
  if (values.input !== undefined) targets.push(...readTargets(values.input));
  if (targets.length === 0) throw new UsageError('no targets: name them as arguments, or pass --input FILE (or - for stdin).');
  const format = values.format ?? (process.stdout.isTTY ? 'table' : 'csv');
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(format)}.`);
  const options = {
    kind,
    targets,
    num: whole('--num', values.num ?? '10'),
    concurrency: whole('--concurrency', values.concurrency ?? '4'),
  };
  if (values['max-credits'] !== undefined) options.maxCredits = whole('--max-credits', values['max-credits']);

  const api = client();
  // The worst case first, from a dry run of the same options (nothing sent).
  const priced = await api.lookupMany({ ...options, dryRun: true });
  const fits = priced.results.filter((r) => r.error?.code === 'dry_run').length;
  const over = priced.results.filter((r) => r.error?.code === 'budget_exceeded').length;
  say(`worst case: ${priced.worstCaseCredits} credits for ${fits + over} target${fits + over === 1 ? '' : 's'} (num ${options.num} each)`
    + (over ? `; ${yellow(`--max-credits ${options.maxCredits} leaves room for ${fits}`)}` : ''));
  if (values['dry-run']) {
    report(priced.results, 0, true);
    return exitFor(priced.results.filter((r) => r.status !== 'skipped' || r.error.code !== 'dry_run').map((r) => r.error.code));
  }

  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const progress = stderr.isTTY ? (p) => stderr.write(`\r\x1b[K${p.done}/${p.total} done: ${p.ok} ok, ${p.failed} failed, ${p.skipped} skipped; ${p.creditsConsumed} credits`) : undefined;
  const run = await api.lookupMany({ ...options, signal: controller.signal, onProgress: progress });
  if (progress) stderr.write('\r\x1b[K');
  process.stdout.write(formatRows(rowsOf(run.results), format));
  report(run.results, run.creditsConsumed, false);
  return exitFor(run.results.filter((r) => r.status !== 'ok').map((r) => r.error.code));
}

/** A client from the environment; no key is an error unless KE_BASE_URL names a proxy. */
function client() {
  const apiKey = process.env.KE_API_KEY || process.env.KEYWORDS_EVERYWHERE_API_KEY || undefined;
  const baseUrl = process.env.KE_BASE_URL || undefined;
  if (!apiKey && !baseUrl) {
    throw new UsageError('no API key: set KE_API_KEY (or KEYWORDS_EVERYWHERE_API_KEY), or KE_BASE_URL to a proxy that holds the key.');
  }
  return new BacklinksClient({ apiKey, baseUrl });
}

/** `text` as a whole number, or a usage error naming `flag`; the package checks the range. */
function whole(flag, text) {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number; got ${JSON.stringify(text)}.`);
  return Number(text);
}

/** Targets from a file, or stdin for "-": one per line; blank and # lines skipped. */
function readTargets(path) {
  let text;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --input ${path}: ${error.message}`);
  }
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/** The summary on stderr: each failed target with its error, skipped ones by code. */
function report(results, credits, dryRun) {
  const count = (status) => results.filter((r) => r.status === status).length;
  for (const r of results) if (r.status === 'failed') say(`${red('failed')} ${r.target}: ${r.error.code}: ${r.error.message}`);
  const skipped = new Map();
  for (const r of results) {
    if (r.status !== 'skipped' || (dryRun && r.error.code === 'dry_run')) continue;
    const entry = skipped.get(r.error.code) ?? { count: 0, message: r.error.message };
    entry.count += 1;
    skipped.set(r.error.code, entry);
  }
  for (const [code, { count: n, message }] of skipped) say(`${yellow('skipped')} ${n} target${n === 1 ? '' : 's'}: ${code}: ${message}`);
  if (dryRun) {
    say(`dry run: nothing sent; ${count('failed')} target${count('failed') === 1 ? '' : 's'} not valid`);
    return;
  }
  say(`${results.length} target${results.length === 1 ? '' : 's'}: ${green(`${count('ok')} done`)}, ${count('failed')} failed, ${count('skipped')} skipped; ${credits} credits spent`);
}

/** The exit code for the codes of the targets that were not ok. */
function exitFor(codes) {
  if (codes.length === 0) return 0;
  if (codes.includes('unauthorized')) return 3;
  if (codes.some((code) => PAYMENT.has(code) || code === 'budget_exceeded')) return 4;
  return 1;
}
