// Summaries of an answer: referring domains and anchor texts, counted by
// the package's `summarize` (computed in Rust), then grouped for the page.

import { summarize } from 'keywords-everywhere-backlinks';

/**
 * @typedef {{ backlinks: number, referringDomains: Array<{ domain: string, backlinks: number }>,
 *   anchors: Array<{ text: string, backlinks: number }>, targets: Array<{ url: string, backlinks: number }> }} Summary
 */

/**
 * The package's summary of these backlinks (counted in Rust).
 * @param {Array<import('keywords-everywhere-backlinks').Backlink>} data
 * @returns {Summary}
 */
export const summaryOf = (data) => summarize({ data });

/** The groups of anchor texts, in the order the panel shows them. */
export const ANCHOR_GROUPS = /** @type {const} */ ([
  { key: 'brand', label: 'Brand', hint: 'holds the target\'s name' },
  { key: 'url', label: 'Bare URL', hint: 'the link\'s address as its text' },
  { key: 'other', label: 'Other', hint: 'any other words' },
  { key: 'empty', label: 'Empty', hint: 'no text, such as an image link' },
]);

/** An anchor that is an address: `https://…`, `www.…` or a host name with an optional path. */
const URL_LIKE = /^(?:https?:\/\/\S+|www\.\S+|(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#]\S*)?)$/i;

/**
 * The names a brand anchor may hold: for each target, its host without
 * `www.`, and the first label of that host (`example` of `example.co.uk`).
 * @param {string[]} targets page URLs or domains
 * @returns {string[]} lower case, longest first
 */
export function brandNames(targets) {
  const names = new Set();
  for (const target of targets) {
    let host = target;
    try { host = new URL(target).hostname; } catch { /* a domain already */ }
    host = host.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
    if (!host) continue;
    names.add(host);
    const label = host.split('.')[0];
    if (label.length >= 3) names.add(label);
  }
  return [...names].sort((a, b) => b.length - a.length);
}

/**
 * The group of one anchor text: empty, bare URL, brand (it holds one of
 * `brands`), or other. A bare URL of the target's own site counts as a URL.
 * @param {string} text
 * @param {string[]} brands from {@link brandNames}
 * @returns {'empty'|'url'|'brand'|'other'}
 */
export function anchorGroup(text, brands) {
  const trimmed = text.trim();
  if (!trimmed) return 'empty';
  if (URL_LIKE.test(trimmed)) return 'url';
  const lower = trimmed.toLowerCase();
  return brands.some((name) => lower.includes(name)) ? 'brand' : 'other';
}

/**
 * The anchors of a summary in their groups, each with its total and its
 * anchors in the summary's order.
 * @param {Summary['anchors']} anchors
 * @param {string[]} targets
 * @returns {Record<'empty'|'url'|'brand'|'other', { backlinks: number, anchors: Summary['anchors'] }>}
 */
export function groupAnchors(anchors, targets) {
  const brands = brandNames(targets);
  const groups = Object.fromEntries(ANCHOR_GROUPS.map(({ key }) => [key, { backlinks: 0, anchors: [] }]));
  for (const anchor of anchors) {
    const group = groups[anchorGroup(anchor.text, brands)];
    group.backlinks += anchor.backlinks;
    group.anchors.push(anchor);
  }
  return /** @type {any} */ (groups);
}
