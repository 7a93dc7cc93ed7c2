// axe-core (a pinned dev dependency) run inside a page under test: its
// source is evaluated in the page (as a DevTools evaluation, which the
// page's Content-Security-Policy does not apply to), then axe.run() checks
// the whole document as it is at that moment.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The WCAG A/AA and best-practice violations axe finds in the page now,
 * each as `rule: selector, selector (impact)`; [] when there are none.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.map((v) => `${v.id}: ${v.targets.join(', ')} (${v.impact})`);
}
