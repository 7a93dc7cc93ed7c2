// CSV export (RFC 4180) that is safe to open in a spreadsheet.

/**
 * Control characters (C0 but tab, CR and LF; DEL; C1), which no spreadsheet
 * shows and some cut a cell at (NUL). Removed from every cell.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Characters that make a spreadsheet read a cell as a formula when they come
 * first: `=`, `+`, `-`, `@`, also after leading white space (an import that
 * trims cells would bring them first), and CR.
 */
const FORMULA_START = /^(?:\s*[=+\-@]|\r)/;

/**
 * One cell: control characters removed (a tab becomes a space), then
 * neutralised against formula injection (a leading apostrophe before
 * `=`, `+`, `-` or `@`, also when white space comes before it, and before
 * a leading CR), then quoted when it holds a quote,
 * comma, CR or LF, with quotes doubled (RFC 4180).
 * @param {unknown} value
 * @returns {string}
 */
export function csvCell(value) {
  let text = value == null ? '' : String(value).replace(CONTROL, '').replaceAll('\t', ' ');
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A whole CSV document: a header line of column names, then one line per
 * row, lines ended by CRLF. Starts with a UTF-8 byte order mark so that
 * spreadsheet programs read non-ASCII text correctly.
 * @param {Array<Record<string, unknown>>} rows
 * @param {string[]} columns the keys to write, in order; also the header
 * @returns {string}
 */
export function toCsv(rows, columns) {
  const lines = [columns, ...rows.map((row) => columns.map((key) => row[key]))];
  return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
