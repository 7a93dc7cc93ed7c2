// A horizontal bar chart of the top referring domains, drawn as SVG at the
// container's own width (redrawn when it changes), so text keeps its size
// from phone to desktop. Domain names are set with textContent.

import { compareText } from './order.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDE = 480; // from this width, label and bar share a line
const ROW = { wide: 28, narrow: 40 }; // px per domain
const BAR = 12;
const CHAR = 7.6; // rough px per character at the label size, to shorten long names

/**
 * The `top` referring domains by number of backlinks, most first; ties in
 * the order the table sorts names (so tricky-2 comes before tricky-10).
 * @param {Array<{ domain: string, backlinks: number }>} referringDomains as `summarize` lists them
 * @param {number} [top]
 * @returns {{ domain: string, count: number }[]}
 */
export function topDomains(referringDomains, top = 10) {
  return referringDomains
    .map(({ domain, backlinks }) => ({ domain: domain || '(unknown)', count: backlinks }))
    .sort((a, b) => b.count - a.count || compareText(a.domain, b.domain))
    .slice(0, top);
}

/** An SVG element with attributes. */
function svg(name, attributes = {}) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** `text` cut to about `width` px, with an ellipsis. */
function fit(text, width) {
  const max = Math.max(4, Math.floor(width / CHAR));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A label, then a bar with the count after it, on one line. */
function wideRow(domain, count, max, width) {
  const labelWidth = Math.min(220, Math.round(width * 0.35));
  const room = width - labelWidth - 12 - (String(max).length + 1) * CHAR;
  const barWidth = Math.max(2, (room * count) / max);
  const label = svg('text', { x: 0, y: 18, class: 'chart-label' });
  label.textContent = fit(domain, labelWidth - 8);
  const track = svg('rect', { x: labelWidth, y: 8, width: room, height: BAR, rx: 3, class: 'chart-track' });
  const bar = svg('rect', { x: labelWidth, y: 8, width: barWidth, height: BAR, rx: 3, class: 'chart-bar' });
  const value = svg('text', { x: labelWidth + room + 8, y: 18, class: 'chart-value' });
  value.textContent = String(count);
  return [label, track, bar, value];
}

/** A label with the count at the right end, and a full-width bar under them. */
function narrowRow(domain, count, max, width) {
  const label = svg('text', { x: 0, y: 16, class: 'chart-label' });
  label.textContent = fit(domain, width - (String(count).length + 2) * CHAR);
  const value = svg('text', { x: width, y: 16, 'text-anchor': 'end', class: 'chart-value' });
  value.textContent = String(count);
  const track = svg('rect', { x: 0, y: 22, width, height: BAR, rx: 3, class: 'chart-track' });
  const bar = svg('rect', { x: 0, y: 22, width: Math.max(2, (width * count) / max), height: BAR, rx: 3, class: 'chart-bar' });
  return [label, value, track, bar];
}

/** A bar chart of top referring domains inside a container element. */
export class DomainChart {
  #container;
  /** @type {{ domain: string, count: number }[]} */ #bars = [];
  #width = 0;

  /** @param {HTMLElement} container */
  constructor(container) {
    this.#container = container;
    new ResizeObserver(() => {
      if (this.#container.clientWidth !== this.#width) this.#draw();
    }).observe(container);
  }

  /** Draws these bars, in this order. @param {{ domain: string, count: number }[]} bars */
  update(bars) {
    this.#bars = bars;
    this.#draw();
  }

  #draw() {
    this.#width = this.#container.clientWidth;
    const width = Math.max(this.#width, 200);
    if (!this.#bars.length) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = 'No backlinks, so no referring domains.';
      this.#container.replaceChildren(p);
      return;
    }
    const layout = width >= WIDE ? 'wide' : 'narrow';
    const height = this.#bars.length * ROW[layout];
    const chart = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-svg-title' });
    const title = svg('title', { id: 'chart-svg-title' });
    title.textContent = `Top referring domains: ${this.#bars.map((b) => `${b.domain}, ${b.count}`).join('; ')}`;
    chart.append(title);
    const max = this.#bars[0].count;
    this.#bars.forEach(({ domain, count }, i) => {
      const group = svg('g', { class: 'chart-row', transform: `translate(0 ${i * ROW[layout]})` });
      group.append(...(layout === 'wide' ? wideRow(domain, count, max, width) : narrowRow(domain, count, max, width)));
      chart.append(group);
    });
    this.#container.replaceChildren(chart);
  }
}
