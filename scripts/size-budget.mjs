// Fails when the built .wasm grows past its budget: a guard against size
// regressions (set just above the size reached), not the size target itself.
import { readFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';

// 36,083 B measured with lookupMany and summarize (README, "Size and speed").
const BUDGET_GZIP_BYTES = 36_400;
const wasm = readFileSync(new URL('../pkg/keywords_everywhere_backlinks_bg.wasm', import.meta.url));
const gzip = gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length;
const line = `.wasm: ${wasm.length} B raw, ${gzip} B gzip -9 (budget ${BUDGET_GZIP_BYTES} B gzip)`;
if (gzip > BUDGET_GZIP_BYTES) {
  console.error(`${line}: over budget. Find what grew with twiggy (see README, "Size").`);
  process.exit(1);
}
console.log(`${line}: within budget`);
