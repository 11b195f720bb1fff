import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../index.js';
import { assertClose, onBackend, randomValues, referenceAccelerator } from '../test-helpers.js';
import type { GemmProblem } from './matmul-transposed.js';
import { setGemmAccelerator } from './matmul-transposed.js';
import { columnSums, leadingAxes } from './sum-leading.js';

after(async () => {
  await initEngine({ device: 'cpu', native: false });
});

describe('Sum over leading axes on wasm', () => {
  it('recognises exactly the leading axes', () => {
    assert.equal(leadingAxes(0, 2), 1);
    assert.equal(leadingAxes([1, 0], 3), 2);
    assert.equal(leadingAxes([-3, -2], 3), 2);
    assert.equal(leadingAxes([0, 1], 2), 0, 'all axes: the stock kernel');
    assert.equal(leadingAxes(1, 2), 0);
    assert.equal(leadingAxes([0, 2], 3), 0);
  });

  it('column sums add each column', () => {
    const out = new Float32Array(3);
    columnSums(new Float32Array([1, 2, 3, 10, 20, 30]), 2, 3, out);
    assert.deepEqual([...out], [11, 22, 33]);
  });

  it('hands leading-axes sums to the accelerator as onesᵀ·X, and only those', async () => {
    await initEngine({ device: 'cpu', native: false, blas: false });
    const seen: GemmProblem[] = [];
    setGemmAccelerator(referenceAccelerator(seen));
    try {
      const values = randomValues(6 * 5 * 4, 9);
      const leading = () => tf.sum(tf.tensor(values, [6, 5, 4]), [0, 1]);
      assertClose(await onBackend('wasm', leading), await onBackend('cpu', leading), 1e-4, 'leading sum');
      assert.deepEqual(seen.map((p) => [p.m, p.k, p.n]), [[1, 30, 4]]);
      const trailing = () => tf.sum(tf.tensor(values, [6, 5, 4]), 2);
      assertClose(await onBackend('wasm', trailing), await onBackend('cpu', trailing), 1e-4, 'trailing sum');
      assert.equal(seen.length, 1, 'the trailing sum went to the stock kernel');
    } finally {
      setGemmAccelerator(null);
    }
  });

  for (const blas of [false, true]) {
    it(`matches the cpu backend for leading, trailing and mixed axes, keepDims or not (OpenBLAS ${blas ? 'if installed' : 'off'})`, async () => {
      await initEngine({ device: 'cpu', native: false, blas });
      const cases: [number[], number | number[], boolean][] = [
        [[576, 1306], 0, false],
        [[1, 896, 64], [0, 1], false],
        [[1, 896, 64], [0, 1], true],
        [[4, 5, 6], [-3], true],
        [[4, 5, 6], 2, false],
        [[4, 5, 6], [0, 2], false],
        [[4, 5, 6], [0, 1, 2], false],
        [[0, 3], 0, false],
      ];
      let seed = 1;
      for (const [shape, axis, keepDims] of cases) {
        const values = randomValues(shape.reduce((a, b) => a * b, 1), (seed += 1));
        const run = () => tf.sum(tf.tensor(values, shape), axis, keepDims);
        assertClose(await onBackend('wasm', run), await onBackend('cpu', run), 1e-4, `sum ${JSON.stringify({ shape, axis, keepDims })}`);
      }
    });
  }
});
