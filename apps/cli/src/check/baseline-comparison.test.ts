import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareWithBaseline, DEFAULT_TOLERANCES, instanceNumbers, withinTolerance } from './baseline-comparison.js';

describe('withinTolerance', () => {
  it('allows abs + rel·|baseline| and no more', () => {
    const tolerances = { rel: 0.1, abs: 0.5 };
    assert.equal(withinTolerance(11.5, 10, tolerances), true);
    assert.equal(withinTolerance(11.51, 10, tolerances), false);
    assert.equal(withinTolerance(-1.49, -1, tolerances), true);
    assert.equal(withinTolerance(1 + 1e-12, 1, DEFAULT_TOLERANCES), true);
    assert.equal(withinTolerance(1.00001, 1, DEFAULT_TOLERANCES), false);
  });

  it('counts NaN as equal only to NaN, and an infinity only to itself', () => {
    assert.equal(withinTolerance(Number.NaN, Number.NaN, DEFAULT_TOLERANCES), true);
    assert.equal(withinTolerance(Number.NaN, 0, { rel: 1, abs: 1 }), false);
    assert.equal(withinTolerance(Infinity, Infinity, DEFAULT_TOLERANCES), true);
    assert.equal(withinTolerance(Infinity, 1e308, { rel: 1, abs: 1 }), false);
  });
});

describe('compareWithBaseline', () => {
  it('labels metrics and numeric leaves of value outputs, nested ones included, and ignores the rest', () => {
    const numbers = instanceNumbers('t', { loss: 0.5 }, { accuracy: 0.9, curve: [1, { x: 2 }], label: 'a', ok: true });
    assert.deepEqual([...numbers.numbers], [['metrics.loss', 0.5], ['outputs.accuracy', 0.9], ['outputs.curve[0]', 1], ['outputs.curve[1].x', 2]]);
  });

  it('matches instances by name and reports moved, appeared and disappeared numbers and instances', () => {
    const before = [instanceNumbers('a', {}, { x: 1, gone: 2 }), instanceNumbers('old', {}, { x: 1 })];
    const now = [instanceNumbers('a', {}, { x: 0, new: 3 }), instanceNumbers('fresh', {}, { x: 1 })];
    const comparison = compareWithBaseline(now, before, DEFAULT_TOLERANCES);
    assert.deepEqual(comparison.moved, [{ instance: 'a', label: 'outputs.x', baseline: 1, now: 0, delta: -1, relative: -1 }]);
    assert.deepEqual(comparison.appeared, [{ instance: 'a', label: 'outputs.new', value: 3 }, { instance: 'fresh', label: undefined, value: undefined }]);
    assert.deepEqual(comparison.disappeared, [{ instance: 'a', label: 'outputs.gone', value: 2 }, { instance: 'old', label: undefined, value: undefined }]);
    assert.deepEqual(comparison.compared, [{ instance: 'a', moved: true }]);
    assert.equal(comparison.unchanged, 0);
  });

  it('gives no relative delta from a zero baseline', () => {
    const comparison = compareWithBaseline([instanceNumbers('a', { m: 2 }, {})], [instanceNumbers('a', { m: 0 }, {})], DEFAULT_TOLERANCES);
    assert.equal(comparison.moved[0]!.relative, undefined);
  });
});
