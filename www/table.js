// The backlinks table: sortable by column (header buttons), filterable by
// text. Every value from the API goes into the page as text, never as HTML.

/**
 * @typedef {import('keywords-everywhere-backlinks').Backlink} Backlink
 * @typedef {{ key: keyof Backlink, label: string, link?: boolean }} Column
 */

/** The columns shown, in order. */
export const COLUMNS = /** @type {Column[]} */ ([
  { key: 'anchor_text', label: 'Anchor text' },
  { key: 'url_source', label: 'Source URL', link: true },
  { key: 'domain_source', label: 'Source domain' },
  { key: 'url_target', label: 'Target URL' },
]);

/** Rows drawn at a time: drawing thousands of rows on each keystroke would make typing lag. */
export const PAGE_SIZE = 500;

const ARROWS = { ascending: '▲', descending: '▼', none: '↕' };
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Rows whose shown columns contain `query` (case-insensitive); all rows for an empty query.
 * @param {Backlink[]} rows
 * @param {string} query
 */
export function filterRows(rows, query) {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return rows;
  return rows.filter((row) => COLUMNS.some(({ key }) => row[key].toLocaleLowerCase().includes(needle)));
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
    return sign * collator.compare(a[key], b[key]);
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
  /** @type {{ key: keyof Backlink, direction: 'ascending'|'descending' } | null} */ #sort = null;
  #limit = PAGE_SIZE;
  #table;
  #body;
  #more;
  #onChange;

  /**
   * @param {HTMLTableElement} table an empty table
   * @param {object} options
   * @param {HTMLButtonElement} options.more a button that draws the next {@link PAGE_SIZE} rows; hidden when none are left
   * @param {(matching: number, total: number, drawn: number) => void} [options.onChange] called after each redraw
   */
  constructor(table, { more, onChange = () => {} }) {
    this.#table = table;
    this.#more = more;
    this.#onChange = onChange;
    more.addEventListener('click', () => {
      this.#limit += PAGE_SIZE;
      this.#render();
    });
    const row = document.createElement('tr');
    for (const column of COLUMNS) {
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
    table.createTHead().append(row);
    this.#body = table.createTBody();
  }

  /** Shows new rows, in the API's order, with the current filter. @param {Backlink[]} rows */
  setRows(rows) {
    this.#rows = rows;
    this.#sort = null;
    this.#limit = PAGE_SIZE;
    this.#render();
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
    const rows = filterRows(this.#rows, this.#query);
    return this.#sort ? sortRows(rows, this.#sort.key, this.#sort.direction) : rows;
  }

  #render() {
    const rows = this.shownRows();
    const drawn = rows.slice(0, this.#limit);
    const fragment = document.createDocumentFragment();
    for (const row of drawn) {
      const tr = document.createElement('tr');
      tr.append(...COLUMNS.map((column) => cell(column, row[column.key])));
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
