import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elide, fitColumns } from './fit-columns.js';

const column = (header: string, ...cells: string[]) => ({ header, cells });

describe('elide', () => {
  it('cuts text to the width, ending in an ellipsis, and leaves text that fits alone', () => {
    assert.equal(elide('accuracy', 8), 'accuracy');
    assert.equal(elide('accuracy', 5), 'accu…');
    assert.equal(elide('accuracy', 1), '…');
    assert.equal(elide('accuracy', 0), '');
  });
});

describe('fitColumns', () => {
  it('keeps natural widths when they fit', () => {
    const fitted = fitColumns([column('p', '0.05'), column('accuracy', '0.9')], 80, 1);
    assert.deepEqual(fitted.widths, [4, 8]);
    assert.deepEqual(fitted.dropped, []);
  });

  it('shortens long headers down to their widest cell before dropping anything', () => {
    const fitted = fitColumns([column('p', '0.05'), column('p_star_predicted', '0.5'), column('relative_error', '0.0005948')], 4 + 2 + 6 + 2 + 9, 1);
    assert.deepEqual(fitted.widths, [4, 6, 9]);
    assert.deepEqual(fitted.dropped, []);
  });

  it('leaves a header whole that would lose only a character or two', () => {
    const fitted = fitColumns([column('p', '0.05'), column('accuracy', '0.06166'), column('generator_accuracy', '0.95')], 4 + 2 + 8 + 2 + 6, 1);
    assert.deepEqual(fitted.widths, [4, 8, 6]);
  });

  it('drops trailing columns once shortened headers do not fit, but never the identifying ones', () => {
    const fitted = fitColumns([column('verifier', 'rates-0.75'), column('a', '1.234'), column('b', '2.345'), column('time', '12ms')], 20, 1);
    assert.deepEqual(fitted.columns.map((kept) => kept.header), ['verifier', 'a']);
    assert.deepEqual(fitted.dropped, ['b', 'time']);
    const narrow = fitColumns([column('verifier', 'rates-0.75'), column('seed', '12345')], 12, 2);
    assert.deepEqual(narrow.dropped, []);
    assert.ok(narrow.widths[0]! + 2 + narrow.widths[1]! <= 12, narrow.widths.join(','));
  });
});
