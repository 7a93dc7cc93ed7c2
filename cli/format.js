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

/** Widest cell a table shows, in terminal columns; longer ones end in an ellipsis. */
const TABLE_CELL = 60;

/**
 * What a table must not pass to a terminal as it is: control characters (which
 * could move the cursor or change the colour), the bidirectional controls (which
 * could reorder what a row appears to say, as in "Trojan Source") and the line and
 * paragraph separators. Anchor texts come from other people's pages. Each shows
 * as U+FFFD.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Characters a terminal draws two columns wide: East Asian wide and fullwidth forms. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** Characters that take no column of their own: combining marks, zero-width ones. */
const ZERO_WIDTH = /^[\p{M}\u200b-\u200d\ufe0f\ufeff]+$/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The terminal columns of one grapheme (what a reader sees as one character).
 * @param {string} grapheme
 */
function columns(grapheme) {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  return WIDE.test(grapheme) || /\p{Extended_Pictographic}\ufe0f|\p{Emoji_Presentation}/u.test(grapheme) ? 2 : 1;
}

/**
 * A cell as a table shows it: unsafe characters replaced, cut at whole graphemes
 * to at most TABLE_CELL columns (with an ellipsis), and its width in columns.
 * @param {unknown} cell
 * @returns {{ text: string, width: number }}
 */
export function tableCell(cell) {
  const all = [...graphemes.segment(String(cell).replace(UNSAFE, '\ufffd'))].map(({ segment }) => [segment, columns(segment)]);
  const total = all.reduce((sum, [, w]) => sum + w, 0);
  if (total <= TABLE_CELL) return { text: all.map(([g]) => g).join(''), width: total };
  let text = '';
  let width = 0;
  for (const [g, w] of all) {
    if (width + w > TABLE_CELL - 1) break;
    text += g;
    width += w;
  }
  return { text: `${text}…`, width: width + 1 };
}

/** Columns padded to their widest cell (in terminal columns), for reading in a terminal. */
function table(rows) {
  const shown = rows.map((r) => r.map(tableCell));
  const widths = COLUMNS.map((_, i) => Math.max(...shown.map((r) => r[i].width)));
  const pad = (cell, i) => cell.text + ' '.repeat(widths[i] - cell.width);
  return lines(shown.map((r) => r.map(pad).join('  ').trimEnd()), '\n');
}
