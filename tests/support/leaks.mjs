// Helpers for checking that the package keeps secrets and stays silent:
// `watchOutput` records everything the process prints while a test runs,
// `secretsIn` says where a secret shows up in a value (an error, a result).
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

const CONSOLE_METHODS = [
  'log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table',
  'group', 'groupCollapsed', 'assert', 'count', 'countReset', 'time', 'timeLog', 'timeEnd',
];

/** The package's real folder as a file URL prefix, as it shows in stack frames. */
const PACKAGE_URL = pathToFileURL(
  dirname(realpathSync(fileURLToPath(import.meta.resolve('keywords-everywhere-backlinks')))),
).href + '/';

/** The current stack, deep enough to reach a caller behind console's own frames. */
function stackHere() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const { stack } = new Error();
  Error.stackTraceLimit = limit;
  return stack;
}

/**
 * Starts recording, until `stop()`: every console.* call (passed through),
 * every process.stdout/stderr write (passed through, with whether the
 * package's code is on the stack) and every process warning.
 *
 * The test runner's own reporter writes to stdout too, so a write counts as
 * the package's only when one of the package's files is on its stack; every
 * chunk, the reporter's included, is still searched for secrets.
 */
export function watchOutput() {
  const consoleCalls = [];
  const writes = [];
  const warnings = [];
  const restore = [];
  const patch = (object, name, wrapper) => {
    const original = object[name];
    object[name] = wrapper(original);
    restore.push(() => { object[name] = original; });
  };
  for (const method of CONSOLE_METHODS) {
    patch(console, method, (original) => function (...args) {
      consoleCalls.push({ method, text: args.map((a) => inspect(a, { depth: 5 })).join(' ') });
      return original.apply(this, args);
    });
  }
  for (const stream of ['stdout', 'stderr']) {
    patch(process[stream], 'write', (original) => function (chunk, ...rest) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
      writes.push({ stream, text, fromPackage: stackHere().includes(PACKAGE_URL) });
      return original.call(this, chunk, ...rest);
    });
  }
  const onWarning = (warning) => warnings.push(inspect(warning));
  process.on('warning', onWarning);
  restore.push(() => process.off('warning', onWarning));

  return {
    consoleCalls,
    writes,
    warnings,
    /** Stops recording and restores what was patched. */
    stop: () => restore.splice(0).reverse().forEach((undo) => undo()),
    /** What the package itself printed: console calls, its own writes, warnings. */
    packageOutput: () => [
      ...consoleCalls.map((c) => `console.${c.method}: ${c.text}`),
      ...writes.filter((w) => w.fromPackage).map((w) => `${w.stream}: ${w.text}`),
      ...warnings.map((w) => `warning: ${w}`),
    ],
    /** Everything recorded, as text, for searching. */
    allText: () => [
      ...consoleCalls.map((c) => c.text),
      ...writes.map((w) => w.text),
      ...warnings,
    ].join('\n'),
  };
}

/**
 * Where any of `secrets` appears in `value`: its util.inspect form (own and
 * hidden properties, getters, the stack and any cause) and, for errors,
 * message, stack, String(error) and each documented field. [] when nowhere.
 * @returns {string[]} e.g. ['ke_test_valid_key in message']
 */
export function secretsIn(value, secrets) {
  const views = { inspect: inspect(value, { showHidden: true, depth: Infinity, getters: true }) };
  if (value instanceof Error) {
    Object.assign(views, { string: String(value), message: value.message, stack: value.stack });
    for (const field of ['code', 'status', 'description', 'field', 'retryAfter', 'cause']) {
      views[field] = inspect(value[field]);
    }
  } else {
    views.json = JSON.stringify(value) ?? '';
  }
  return Object.entries(views).flatMap(([where, text]) =>
    secrets.filter((s) => String(text).includes(s)).map((s) => `${s} in ${where}`));
}
