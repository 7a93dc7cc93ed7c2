// The backlinks table: sortable by column (header buttons), filterable by
// text and by referring domain. Every value from the API goes into the page
// as text, never as HTML. A column whose value is the same in every row is
// left out (the page says what that value is); URLs stay on one line, the
// whole URL in a tooltip.

import { compareText } from './order.js';

/**
 * @typedef {import('keywords-everywhere-backlinks').Backlink & { target?: string }} Backlink
 * @typedef {{ key: keyof Backlink, label: string, link?: boolean, url?: boolean }} Column
 */

/** The columns that can be shown, in order (`target`: the looked-up page or domain, in list runs). */
export const COLUMNS = /** @type {Column[]} */ ([
  { key: 'target', label: 'Target', url: true },
  { key: 'anchor_text', label: 'Anchor text' },
  { key: 'url_source', label: 'Source URL', link: true, url: true },
  { key: 'domain_source', label: 'Source domain' },
  { key: 'url_target', label: 'Target URL', url: true },
]);

/** Columns always shown, even when every row has the same value: they say which link a row is. */
const KEPT = new Set(['anchor_text', 'url_source']);

/**
 * The columns worth showing for these rows: a column is left out when no
 * row has it, or when there are two rows or more and all hold the same value.
 * @param {Backlink[]} rows
 * @returns {{ shown: Column[], same: Array<{ column: Column, value: string }> }}
 */
export function compactColumns(rows) {
  const shown = [];
  const same = [];
  for (const column of COLUMNS) {
    const first = rows[0]?.[column.key];
    if (column.key === 'target' && first === undefined) continue;
    if (!KEPT.has(column.key) && rows.length > 1 && rows.every((row) => row[column.key] === first)) {
      same.push({ column, value: first ?? '' });
    } else {
      shown.push(column);
    }
  }
  return { shown, same };
}

/** Rows drawn at a time: drawing thousands of rows on each keystroke would make typing lag. */
export const PAGE_SIZE = 500;

const ARROWS = { ascending: '▲', descending: '▼', none: '↕' };
/**
 * Which referring domains to keep: `only` one (or null for all), minus the `excluded` ones.
 * @typedef {{ only: string | null, excluded: Set<string> }} DomainFilter
 */

/**
 * Rows whose columns contain `query` (case-insensitive; all rows for an empty
 * query) and whose referring domain passes `domains`.
 * @param {Backlink[]} rows
 * @param {string} query
 * @param {DomainFilter} [domains]
 */
export function filterRows(rows, query, domains = { only: null, excluded: new Set() }) {
  const needle = query.trim().toLocaleLowerCase();
  const { only, excluded } = domains;
  if (!needle && only === null && excluded.size === 0) return rows;
  return rows.filter((row) => (only === null || row.domain_source === only)
    && !excluded.has(row.domain_source)
    && (!needle || COLUMNS.some(({ key }) => (row[key] ?? '').toLocaleLowerCase().includes(needle))));
}

/**
 * A sorted copy (stable: equal values keep the API's order); empty values last.
 * @param {Backlink[]} rows
 * @param {keyof Backlink} key
 * @param {'ascending'|'descending'} direction
 */
export function sortRows(rows, key, direction) {
  const sign = direction === 'descending' ? -1 : 1;
  return rows.slice().sort((a, b) => {
    if (!a[key] || !b[key]) return Number(!a[key]) - Number(!b[key]);
    return sign * compareText(a[key], b[key]);
  });
}

/** Whether `text` is an absolute http(s) URL, the only kind the page links to. */
function isWebUrl(text) {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** A table cell for one value. */
function cell(column, value) {
  const td = document.createElement('td');
  td.dataset.label = column.label;
  if (column.url && value) {
    td.className = 'url';
    td.title = value; // the whole URL, which the cell may cut short
  }
  if (!value) {
    td.className = 'empty';
    td.textContent = column.key === 'anchor_text' ? '(no anchor text)' : '(none)';
  } else if (column.link && isWebUrl(value)) {
    const a = document.createElement('a');
    a.href = value;
    a.rel = 'nofollow noopener noreferrer';
    a.target = '_blank';
    a.textContent = value;
    td.append(a);
  } else {
    td.textContent = value;
  }
  return td;
}

/**
 * A sortable, filterable table of backlinks drawn into a `<table>`, the
 * first {@link PAGE_SIZE} matching rows at first, more on request.
 */
export class BacklinksTable {
  /** @type {Backlink[]} */ #rows = [];
  #query = '';
  /** @type {DomainFilter} */ #domains = { only: null, excluded: new Set() };
  /** @type {Column[]} */ #columns = [];
  /** @type {{ key: keyof Backlink, direction: 'ascending'|'descending' } | null} */ #sort = null;
  #limit = PAGE_SIZE;
  #table;
  #body;
  #more;
  #onChange;
  #onColumns;

  /**
   * @param {HTMLTableElement} table an empty table
   * @param {object} options
   * @param {HTMLButtonElement} options.more a button that draws the next {@link PAGE_SIZE} rows; hidden when none are left
   * @param {(matching: number, total: number, drawn: number) => void} [options.onChange] called after each redraw
   * @param {(same: Array<{ column: Column, value: string }>) => void} [options.onColumns] called with the columns left out, on new rows
   */
  constructor(table, { more, onChange = () => {}, onColumns = () => {} }) {
    this.#table = table;
    this.#more = more;
    this.#onChange = onChange;
    this.#onColumns = onColumns;
    more.addEventListener('click', () => {
      this.#limit += PAGE_SIZE;
      this.#render();
    });
    table.createTHead();
    this.#body = table.createTBody();
  }

  /** Draws the header row of the columns shown. */
  #drawHead() {
    const row = document.createElement('tr');
    for (const column of this.#columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.key = column.key;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      const arrow = document.createElement('span');
      arrow.className = 'arrow';
      arrow.setAttribute('aria-hidden', 'true');
      button.append(column.label, arrow);
      button.addEventListener('click', () => this.sortBy(column.key));
      th.append(button);
      row.append(th);
    }
    this.#table.tHead.replaceChildren(row);
  }

  /** Shows new rows, in the API's order, with the current text filter and no domain filter. @param {Backlink[]} rows */
  setRows(rows) {
    this.#rows = rows;
    this.#sort = null;
    this.#limit = PAGE_SIZE;
    this.#domains = { only: null, excluded: new Set() };
    const { shown, same } = compactColumns(rows);
    this.#columns = shown;
    this.#drawHead();
    this.#onColumns(same);
    this.#render();
  }

  /** Keeps only the rows from referring domains that pass `domains`. @param {DomainFilter} domains */
  setDomainFilter(domains) {
    this.#domains = domains;
    this.#limit = PAGE_SIZE;
    this.#render();
  }

  /** The keys of the columns shown, in order. */
  shownColumns() {
    return this.#columns.map((column) => column.key);
  }

  /** Keeps only the rows containing `query`. @param {string} query */
  setFilter(query) {
    this.#query = query;
    this.#limit = PAGE_SIZE;
    this.#render();
  }

  /**
   * Sorts by a column: ascending first, then it toggles.
   * @param {keyof Backlink} key
   */
  sortBy(key) {
    const direction = this.#sort?.key === key && this.#sort.direction === 'ascending' ? 'descending' : 'ascending';
    this.#sort = { key, direction };
    this.#render();
  }

  /** The rows matching the filter, sorted as shown (drawn or not yet). */
  shownRows() {
    const rows = filterRows(this.#rows, this.#query, this.#domains);
    return this.#sort ? sortRows(rows, this.#sort.key, this.#sort.direction) : rows;
  }

  #render() {
    const rows = this.shownRows();
    const drawn = rows.slice(0, this.#limit);
    const fragment = document.createDocumentFragment();
    for (const row of drawn) {
      const tr = document.createElement('tr');
      tr.append(...this.#columns.map((column) => cell(column, row[column.key])));
      fragment.append(tr);
    }
    this.#body.replaceChildren(fragment);
    for (const th of this.#table.tHead.rows[0].cells) {
      const sorted = this.#sort?.key === th.dataset.key;
      if (sorted) th.setAttribute('aria-sort', this.#sort.direction);
      else th.removeAttribute('aria-sort');
      th.querySelector('.arrow').textContent = sorted ? ARROWS[this.#sort.direction] : ARROWS.none;
    }
    const left = rows.length - drawn.length;
    this.#more.hidden = left === 0;
    this.#more.textContent = `Show ${Math.min(left, PAGE_SIZE)} more (${left.toLocaleString('en-US')} not shown yet)`;
    this.#onChange(rows.length, this.#rows.length, drawn.length);
  }
}
