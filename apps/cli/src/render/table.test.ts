import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCell, renderTable } from './table.js';

describe('renderTable', () => {
  it('aligns columns to their widest cell, with a dashed rule and no trailing spaces', () => {
    const table = renderTable(['name', 'n'], [['train[p=0.1]', '3'], ['x', '12345']]);
    assert.equal(table, ['name          n', '------------  -----', 'train[p=0.1]  3', 'x             12345'].join('\n'));
  });

  it('a header wider than its cells sets the width', () => {
    assert.equal(renderTable(['instance', 'status'], [['a', 'ok']]), ['instance  status', '--------  ------', 'a         ok'].join('\n'));
  });

  it('trims the empty cells at the end of a row', () => {
    const lines = renderTable(['a', 'b', 'c'], [['x', '', '']]).split('\n');
    assert.equal(lines[2], 'x');
  });

  it('with no rows is the header and the rule', () => {
    assert.equal(renderTable(['kind', 'version'], []), 'kind  version\n----  -------');
  });
});

describe('formatCell', () => {
  it('writes integers in full and other numbers with 4 significant digits', () => {
    assert.equal(formatCell(3), '3');
    assert.equal(formatCell(123456789), '123456789');
    assert.equal(formatCell(0.123456), '0.1235');
    assert.equal(formatCell(2.5), '2.5');
    assert.equal(formatCell(1234.5678), '1235');
    assert.equal(formatCell(0.000012346), '0.00001235');
    assert.equal(formatCell(-1.23456e-9), '-1.235e-9');
    assert.equal(formatCell(NaN), 'NaN');
  });

  it('leaves short strings alone and cuts long ones to 40 characters', () => {
    assert.equal(formatCell('oracle'), 'oracle');
    assert.equal(formatCell('x'.repeat(40)), 'x'.repeat(40));
    assert.equal(formatCell('y'.repeat(41)), `${'y'.repeat(37)}...`);
  });

  it('writes other values as compact JSON, cut the same way', () => {
    assert.equal(formatCell(true), 'true');
    assert.equal(formatCell(null), 'null');
    assert.equal(formatCell({ phi: 0.9 }), '{"phi":0.9}');
    assert.equal(formatCell([1, 2]), '[1,2]');
    const long = formatCell({ text: 'z'.repeat(50) });
    assert.equal(long.length, 40);
    assert.ok(long.endsWith('...'));
  });

  it('writes undefined as an empty cell', () => {
    assert.equal(formatCell(undefined), '');
  });
});
