// Shortens the names the .wasm and its glue use for each other: the ~80
// imports are called `./keywords_everywhere_backlinks_bg.js` /
// `__wbg_<name>_<16 hex digits>`, and the hashes do not compress. binaryen
// renames them (and the exports) to one or two letters and prints the
// mapping; this script applies the same mapping to the wasm-bindgen glue.
// Saves about 1.7 KB gzip of .wasm and 1 KB of JS.
//
// Every name in the mapping must be found in the glue exactly where
// wasm-bindgen writes it, or the build fails here (the pinned wasm-bindgen
// writes them as `name: function(...)` and `wasm.name`, and the modules as
// `"module": importN,`).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// The folder being built (scripts/build-pkg.sh passes it), else pkg/.
const pkg = process.argv[2] ? pathToFileURL(`${process.argv[2].replace(/\/$/, '')}/`) : new URL('../pkg/', import.meta.url);
const wasmPath = new URL('keywords_everywhere_backlinks_bg.wasm', pkg);
const gluePath = new URL('keywords_everywhere_backlinks.js', pkg);
const wasmOpt = new URL('../node_modules/.bin/wasm-opt', import.meta.url);

const stdout = execFileSync(
  wasmOpt.pathname,
  [wasmPath.pathname, '--minify-imports-and-exports-and-modules', '-o', wasmPath.pathname],
  { encoding: 'utf8' },
);
const map = JSON.parse(stdout.slice(stdout.indexOf('{')));

const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath))).map((i) => i.module));
if (modules.size !== 1) throw new Error(`expected one import module after minifying, got ${[...modules]}`);
const [newModule] = modules;

let glue = readFileSync(gluePath, 'utf8');
const escape = (s) => s.replace(/[$]/g, '$$$$');
/** Replaces the first match of `pattern`; fails the build when there is none. */
function replaceOrFail(pattern, replacement, what) {
  const before = glue;
  glue = glue.replace(pattern, replacement);
  if (glue === before) throw new Error(`minify-names: ${what} not found in the glue`);
}

// The glue hands the .wasm one object per import module: `import0` for its
// own functions, and `import1`... for JS snippets whose functions the .wasm
// imports directly (js/transport.js). After minifying there is one module: the
// snippets' functions join `import0` under their short names.
const regexp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const oldModules = new Set(map.imports.map(([module]) => module));
const direct = new Set();
// A snippet module may be listed more than once (wasm-bindgen writes one
// `import * as importN` per group of direct imports, js/bulk.js has two):
// every object is that same module's namespace, so the first one serves.
for (const module of oldModules) {
  const entry = new RegExp(`\\n\\s+"${regexp(module)}": (import\\d+),`);
  const object = glue.match(entry)?.[1];
  if (!object) throw new Error(`minify-names: module ${module} not found in the glue`);
  if (object === 'import0') {
    replaceOrFail(`"${module}": import0`, `"${newModule}": import0`, `module ${module}`);
    continue;
  }
  direct.add(module);
  // wasm-bindgen writes one entry (`import1`, `import2`...) per function
  // the .wasm imports directly from the module, each the whole module.
  replaceOrFail(new RegExp(entry.source, 'g'), '', `module ${module}`);
  const joined = map.imports
    .filter(([m]) => m === module)
    .map(([, name, short]) => `\n        ${short}: ${object}.${name},`)
    .join('');
  replaceOrFail(/(\n    const import0 = \{)/, `$1${escape(joined)}`, 'const import0');
}
for (const [module, name, short] of map.imports) {
  if (direct.has(module)) continue;
  replaceOrFail(new RegExp(`(\\n\\s+)${name}(: function)`), `$1${escape(short)}$2`, `import ${name}`);
}
for (const [name, short] of map.exports) {
  // Exports the glue never calls (such as __abort_handler) need no rewrite.
  glue = glue.replace(new RegExp(`\\bwasm\\.${name}\\b`, 'g'), `wasm.${escape(short)}`);
}
const leftover = [...glue.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((n) => !map.exports.some(([, s]) => s === n));
if (leftover.length) throw new Error(`minify-names: the glue still uses export names ${[...new Set(leftover)]}`);
writeFileSync(gluePath, glue);
