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
 * too coarse for one 2 ms call. `clients` holds `pkg` and `plain`, and may
 * hold more (each is measured the same way, in a rotating order).
 * @param {Record<string, { getPageBacklinks: Function }>} clients
 * @param {{ num: number, rounds: number, warmup: number, page: string, batch?: number }} plan
 */
export async function compare(clients, { num, rounds, warmup, page, batch = 1 }) {
  const names = Object.keys(clients);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < warmup + rounds; i++) {
    // Rotate which goes first, so none always runs on a warmer path.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t0 = performance.now();
      for (let b = 0; b < batch; b++) {
        const r = await clients[name].getPageBacklinks({ page, num });
        if (r.data.length !== num) throw new Error(`${name}: ${r.data.length} backlinks, wanted ${num}`);
      }
      const dt = (performance.now() - t0) / batch;
      if (i >= warmup) times[name].push(dt);
    }
  }
  const ms = Object.fromEntries(names.map((name) => [name, median(times[name])]));
  return { num, rounds, batch, ms, pkgMs: ms.pkg, plainMs: ms.plain, ratio: ms.pkg / ms.plain, ...spread(times.pkg, times.plain) };
}

/**
 * How far to trust a ratio on a noisy machine: `paired`, the median of the
 * rounds' own ratios (each round runs both clients back to back, so drift
 * cancels), and `blocks`, the lowest and highest ratio of medians over five
 * runs of consecutive rounds.
 */
export function spread(a, b, parts = 5) {
  const paired = median(a.map((x, i) => x / b[i]));
  const size = Math.floor(a.length / parts);
  const ratios = [];
  for (let k = 0; k < parts; k++) {
    const slice = (xs) => xs.slice(k * size, (k + 1) * size);
    ratios.push(median(slice(a)) / median(slice(b)));
  }
  return { paired, blocks: [Math.min(...ratios), Math.max(...ratios)] };
}
