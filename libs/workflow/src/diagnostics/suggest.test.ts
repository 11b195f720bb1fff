import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, expectedOneOf, levenshtein } from './suggest.js';

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    assert.equal(levenshtein('', ''), 0);
    assert.equal(levenshtein('abc', 'abc'), 0);
    assert.equal(levenshtein('', 'abc'), 3);
    assert.equal(levenshtein('abc', ''), 3);
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('train', 'trian'), 2);
    assert.equal(levenshtein('flaw', 'lawn'), 2);
  });

  it('is symmetric', () => {
    assert.equal(levenshtein('gaussian', 'gausian'), levenshtein('gausian', 'gaussian'));
  });
});

describe('closest', () => {
  it('finds a likely typo', () => {
    assert.equal(closest('trian', ['evaluate', 'train', 'report']), 'train');
    assert.equal(closest('verfier', ['verifier', 'p']), 'verifier');
  });

  it('ignores case', () => {
    assert.equal(closest('TRAIN', ['train']), 'train');
  });

  it('suggests nothing when every candidate is too far', () => {
    assert.equal(closest('xyz', ['train', 'evaluate']), undefined);
    assert.equal(closest('anything', []), undefined);
  });

  it('allows more edits for longer names (a third of the length, at least two)', () => {
    assert.equal(closest('ab', ['xy']), 'xy');
    assert.equal(closest('ab', ['xyz']), undefined);
    assert.equal(closest('abcdefghi', ['abcxyzghi']), 'abcxyzghi');
    assert.equal(closest('abcdefghi', ['abwxyzghi']), undefined);
  });

  it('treats a prefix of three or more letters as a near miss', () => {
    assert.equal(closest('delay', ['delay_ms', 'dims']), 'delay_ms');
    assert.equal(closest('lea', ['learning_rate_schedule']), 'learning_rate_schedule');
    assert.equal(closest('le', ['learning_rate_schedule']), undefined);
  });

  it('prefers the nearest, and the first of equally near ones', () => {
    assert.equal(closest('cat', ['cut', 'cat']), 'cat');
    assert.equal(closest('bat', ['cat', 'hat']), 'cat');
  });
});

describe('expectedOneOf', () => {
  it('lists the candidates sorted and suggests the closest', () => {
    assert.equal(expectedOneOf('trian', ['train', 'evaluate']), 'expected one of evaluate, train. Did you mean "train"?');
  });

  it('lists without a guess when nothing is close', () => {
    assert.equal(expectedOneOf('zzz', ['b', 'a']), 'expected one of a, b');
  });

  it('says so when nothing is allowed', () => {
    assert.equal(expectedOneOf('x', []), 'nothing is allowed here');
  });

  it('does not reorder the caller’s array', () => {
    const names = ['b', 'a'];
    expectedOneOf('a', names);
    assert.deepEqual(names, ['b', 'a']);
  });
});
