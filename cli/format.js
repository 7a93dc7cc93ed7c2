// The command-line tool's output formats: one row per backlink, its target
// first, then the API's five fields. CSV cells go through the demo page's
// own formula-safe RFC 4180 formatter (www/csv.js, copied next to this file
// into the package by scripts/package-pkg.mjs), so the page and the tool
// write the same cells.
import { csvCell } from './csv.js';

/** The columns of every format, in order. */
export const COLUMNS = ['target', 'anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target'];

/** The formats `--format` takes. */
export const FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'table'];

/**
 * The rows of a run's `ok` results: `{ target, anchor_text, ... }` per backlink.
 * @param {Array<{ target: string, status: string, response?: { data: object[] } }>} results
 */
export function rowsOf(results) {
  const rows = [];
  for (const item of results) {
    if (item.status !== 'ok') continue;
    for (const link of item.response.data) {
      rows.push({
        target: item.target,
        anchor_text: link.anchor_text,
        domain_source: link.domain_source,
        domain_target: link.domain_target,
        url_source: link.url_source,
        url_target: link.url_target,
      });
    }
  }
  return rows;
}

/**
 * `rows` in `format`, as the text to write to stdout.
 * @param {Array<Record<string, string>>} rows
 * @param {'csv'|'tsv'|'json'|'ndjson'|'table'} format
 * @returns {string}
 */
export function formatRows(rows, format) {
  switch (format) {
    case 'csv':
      // RFC 4180: CRLF after every record, the header first. No byte order
      // mark: this goes to pipes and files that other tools read.
      return lines([COLUMNS, ...rows.map(cells)].map((r) => r.map(csvCell).join(',')), '\r\n');
    case 'tsv':
      return lines([COLUMNS, ...rows.map(cells)].map((r) => r.map(tsvCell).join('\t')), '\n');
    case 'json':
      return `${JSON.stringify(rows)}\n`;
    case 'ndjson':
      return lines(rows.map((row) => JSON.stringify(row)), '\n');
    case 'table':
      return table([COLUMNS, ...rows.map(cells)]);
    default:
      throw new TypeError(`unknown format ${format}`);
  }
}

function cells(row) {
  return COLUMNS.map((key) => row[key] ?? '');
}

function lines(list, end) {
  return list.map((line) => `${line}${end}`).join('');
}

/**
 * A TSV cell (text/tab-separated-values allows no tab or line break in a
 * field): a backslash, tab, LF and CR are written as `\\`, `\t`, `\n`, `\r`.
 */
export function tsvCell(value) {
  return String(value ?? '').replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
}

/** Longest cell a table shows; longer ones end in an ellipsis. */
const TABLE_CELL = 60;

/**
 * Columns padded to their widest cell, for reading in a terminal. Control
 * characters show as U+FFFD, so a cell cannot move the cursor or the colour.
 */
function table(rows) {
  const shown = rows.map((r) =>
    r.map((cell) => {
      const text = String(cell).replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
      return text.length > TABLE_CELL ? `${text.slice(0, TABLE_CELL - 1)}…` : text;
    }),
  );
  const widths = COLUMNS.map((_, i) => Math.max(...shown.map((r) => r[i].length)));
  return lines(shown.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()), '\n');
}
