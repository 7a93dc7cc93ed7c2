// End-to-end call time, package vs plain JS, interleaved (A, B, A, B, ...)
// so that drift on a noisy machine hits both alike. Runs in Node and, as an
// ES module, in a browser page. Returns medians and ratios.

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Each sample times `batch` calls in a row and counts their mean: pages
 * without cross-origin isolation see `performance.now()` in steps of 0.1 ms,
 * too coarse for one 2 ms call.
 * @param {{ pkg: { getPageBacklinks: Function }, plain: { getPageBacklinks: Function } }} clients
 * @param {{ num: number, rounds: number, warmup: number, page: string, batch?: number }} plan
 */
export async function compare(clients, { num, rounds, warmup, page, batch = 1 }) {
  const times = { pkg: [], plain: [] };
  for (let i = 0; i < warmup + rounds; i++) {
    // Alternate which goes first, so neither always runs on a warmer path.
    const order = i % 2 ? ['plain', 'pkg'] : ['pkg', 'plain'];
    for (const name of order) {
      const t0 = performance.now();
      for (let b = 0; b < batch; b++) {
        const r = await clients[name].getPageBacklinks({ page, num });
        if (r.data.length !== num) throw new Error(`${name}: ${r.data.length} backlinks, wanted ${num}`);
      }
      const dt = (performance.now() - t0) / batch;
      if (i >= warmup) times[name].push(dt);
    }
  }
  const pkg = median(times.pkg);
  const plain = median(times.plain);
  return { num, rounds, batch, pkgMs: pkg, plainMs: plain, ratio: pkg / plain };
}
