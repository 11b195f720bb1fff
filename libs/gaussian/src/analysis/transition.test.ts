import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averageCurve, compareTransition, firstCrossing } from './transition.js';

const close = (actual: number | null, expected: number, tol = 1e-12): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
};

describe('averageCurve', () => {
  it('averages repeated x and sorts by x', () => {
    const curve = averageCurve([
      { x: 0.5, y: 0.2 },
      { x: 0.1, y: 0.9 },
      { x: 0.5, y: 0.6 },
      { x: 0.3, y: 0.8 },
      { x: 0.5, y: 0.1 },
    ]);
    assert.deepEqual(
      curve.map((point) => point.x),
      [0.1, 0.3, 0.5],
    );
    close(curve[0]!.y, 0.9);
    close(curve[1]!.y, 0.8);
    close(curve[2]!.y, 0.3);
  });

  it('returns an empty curve for no points', () => {
    assert.deepEqual(averageCurve([]), []);
  });
});

describe('firstCrossing', () => {
  it('interpolates linearly between the two grid points around the level', () => {
    // 0.9 at 0.4, 0.3 at 0.6: 0.5 is reached two thirds of the way, at 0.4 + (0.4/0.6)·0.2.
    const curve = [
      { x: 0.2, y: 0.95 },
      { x: 0.4, y: 0.9 },
      { x: 0.6, y: 0.3 },
      { x: 0.8, y: 0.1 },
    ];
    close(firstCrossing(curve, 0.5), 0.4 + (0.4 / 0.6) * 0.2);
  });

  it('returns the grid point itself when the curve sits exactly on the level before falling', () => {
    close(
      firstCrossing(
        [
          { x: 0.1, y: 0.9 },
          { x: 0.5, y: 0.5 },
          { x: 0.9, y: 0.1 },
        ],
        0.5,
      ),
      0.5,
    );
  });

  it('takes the first downward crossing and ignores upward ones', () => {
    const curve = [
      { x: 0, y: 0.2 },
      { x: 1, y: 0.8 }, // upward: not a transition
      { x: 2, y: 0.6 },
      { x: 3, y: 0.4 }, // first downward crossing: 2.5
      { x: 4, y: 0.9 },
      { x: 5, y: 0.0 },
    ];
    close(firstCrossing(curve, 0.5), 2.5);
  });

  it('is null when the curve never falls through the level', () => {
    assert.equal(
      firstCrossing(
        [
          { x: 0.1, y: 0.94 },
          { x: 0.9, y: 0.93 },
        ],
        0.5,
      ),
      null,
    );
    assert.equal(
      firstCrossing(
        [
          { x: 0.1, y: 0.2 },
          { x: 0.9, y: 0.8 },
        ],
        0.5,
      ),
      null,
    );
    assert.equal(firstCrossing([{ x: 0.1, y: 0.9 }], 0.5), null);
    assert.equal(firstCrossing([], 0.5), null);
  });
});

describe('compareTransition', () => {
  const falling = [
    { x: 0.4, y: 0.9 },
    { x: 0.5, y: 0.7 },
    { x: 0.6, y: 0.1 },
  ];
  const crossing = 0.5 + (0.2 / 0.6) * 0.1;

  it('measures the crossing and its distance to the prediction', () => {
    const within = compareTransition('rates', falling, 0.52, 0.5, 0.03);
    assert.equal(within.series, 'rates');
    assert.equal(within.predicted, 0.52);
    close(within.measured, crossing);
    close(within.error, crossing - 0.52);
    assert.equal(within.within, true);

    const outside = compareTransition('rates', falling, 0.6, 0.5, 0.03);
    close(outside.error, 0.6 - crossing);
    assert.equal(outside.within, false);
  });

  it('accepts a curve that never crosses only when the prediction lies beyond the grid', () => {
    const above = [
      { x: 0.1, y: 0.94 },
      { x: 0.5, y: 0.94 },
      { x: 0.9, y: 0.93 },
    ];
    // Oracle: p* = 1 lies beyond the last grid point 0.9, so no crossing is what the theory predicts.
    const oracle = compareTransition('oracle', above, 1, 0.5, 0.03);
    assert.equal(oracle.measured, null);
    assert.equal(oracle.error, 0);
    assert.equal(oracle.within, true);
    // A prediction inside the grid that the curve never reaches is a miss by its distance to the last point.
    const missed = compareTransition('broken', above, 0.6, 0.5, 0.03);
    assert.equal(missed.measured, null);
    close(missed.error, 0.3);
    assert.equal(missed.within, false);
    // Just inside the grid, within tolerance.
    const edge = compareTransition('edge', above, 0.88, 0.5, 0.03);
    close(edge.error, 0.02);
    assert.equal(edge.within, true);
  });

  it('accepts a curve that is always below only when the prediction lies before the grid', () => {
    const below = [
      { x: 0.2, y: 0.1 },
      { x: 0.8, y: 0.06 },
    ];
    const early = compareTransition('early', below, 0.1, 0.5, 0.03);
    assert.equal(early.measured, null);
    assert.equal(early.error, 0);
    assert.equal(early.within, true);
    const late = compareTransition('late', below, 0.5, 0.5, 0.03);
    close(late.error, 0.3);
    assert.equal(late.within, false);
  });

  it('fails an empty curve with an infinite error', () => {
    const empty = compareTransition('empty', [], 0.5, 0.5, 0.03);
    assert.equal(empty.measured, null);
    assert.equal(empty.error, Infinity);
    assert.equal(empty.within, false);
  });
});
