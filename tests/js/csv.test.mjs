// The CSV writer the CLI and the demo page share (www/csv.js, copied into the package as
// csv.js): RFC 4180 quoting and formula neutralising, cell by cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, toCsv } from '../../www/csv.js';

test('a cell a spreadsheet would run as a formula starts with an apostrophe', () => {
  for (const [cell, written] of [
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    // A tab becomes a space; white space before a formula character does not hide it from
    // an import that trims cells.
    ['\t=1+1', "' =1+1"],
    ['  @x', "'  @x"],
    // A leading CR is neutralised too, and the cell is quoted for holding it.
    ['\r=1', '"\'\r=1"'],
  ]) {
    assert.equal(csvCell(cell), written, JSON.stringify(cell));
  }
});

test('ordinary cells pass unchanged, or quoted by RFC 4180', () => {
  assert.equal(csvCell('https://a.example/x?y=1'), 'https://a.example/x?y=1');
  assert.equal(csvCell('a = b'), 'a = b');
  assert.equal(csvCell(42), '42');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
});

test('control characters are removed, a tab becomes a space', () => {
  assert.equal(csvCell('a\u0000b\u0007c\u007fd\u0085e'), 'abcde');
  assert.equal(csvCell('a\tb'), 'a b');
});

test('a document: byte order mark, header, CRLF lines', () => {
  const csv = toCsv([{ a: '=x', b: 'y,z' }, { a: 1 }], ['a', 'b']);
  assert.equal(csv, '\uFEFFa,b\r\n\'=x,"y,z"\r\n1,\r\n');
});
