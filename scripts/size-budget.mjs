// Fails when the built .wasm grows past its budget: a guard against size
// regressions (set just above the size reached), not the size target itself.
import { readFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';

// Measured (gzip -9 of pkg/'s .wasm): 29,981 B with the dlmalloc allocator
// (67,534 B raw; the hand-written src/heap.rs it replaced: 26,967 B); 34,936 B
// (80,007 B raw) with the whole backlinks family (issue 18); 43,872 B
// (100,151 B raw) with lookupMany and summarize (issue 19): the whole
// feature set; then 40,803 B (91,911 B raw) with the talc allocator and the
// byte-level Retry-After date parser. The budget sits just above that (97 B
// of slack: any real growth fails), and is over issue 20's goal of at most
// 34 KB gzip: see the README, "Size and speed", for where the bytes went.
const BUDGET_GZIP_BYTES = 40_900;
const wasm = readFileSync(new URL('../pkg/keywords_everywhere_backlinks_bg.wasm', import.meta.url));
const gzip = gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length;
const line = `.wasm: ${wasm.length} B raw, ${gzip} B gzip -9 (budget ${BUDGET_GZIP_BYTES} B gzip)`;
if (gzip > BUDGET_GZIP_BYTES) {
  console.error(`${line}: over budget. Find what grew with twiggy (see README, "Size").`);
  process.exit(1);
}
console.log(`${line}: within budget`);
