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
 * Each sample times one call (a page must be cross-origin isolated for a
 * clock fine enough for that). `clients` holds `pkg` and `plain`, and may
 * hold more (each is measured the same way, in a rotating order).
 * @param {Record<string, { getPageBacklinks: Function }>} clients
 * @param {{ num: number, rounds: number, warmup: number, page: string }} plan
 */
export async function compare(clients, { num, rounds, warmup, page }) {
  const names = Object.keys(clients);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < warmup + rounds; i++) {
    // Rotate which goes first, so none always runs on a warmer path.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t0 = performance.now();
      const r = await clients[name].getPageBacklinks({ page, num });
      const dt = performance.now() - t0;
      if (r.data.length !== num) throw new Error(`${name}: ${r.data.length} backlinks, wanted ${num}`);
      if (i >= warmup) times[name].push(dt);
    }
  }
  const ms = Object.fromEntries(names.map((name) => [name, median(times[name])]));
  return { num, rounds, ms, pkgMs: ms.pkg, plainMs: ms.plain, ratio: ms.pkg / ms.plain, ...spread(times.pkg, times.plain) };
}

/**
 * The headline figure and its references, in two passes of `plan`: first
 * the package and the plain client alone, A and B interleaved, whose ratio
 * is the target's; then both again beside `references` (clients that are not
 * the target but show where the time goes), all four rotating. Each extra
 * client between two package calls leaves the package's code and data
 * colder: in the four-client pass the package's ratio comes out 1-3% higher
 * at num=5 in Node, which is a cost of the measurement, not of the package.
 * @param {{ pkg: object, plain: object }} pair
 * @param {Record<string, object>} references
 * @param {Parameters<typeof compare>[1]} plan
 */
export async function compareWithReferences(pair, references, plan) {
  const headline = await compare(pair, plan);
  const all = await compare({ ...pair, ...references }, plan);
  return { ...headline, references: { ms: all.ms, ratio: all.ratio, paired: all.paired } };
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
