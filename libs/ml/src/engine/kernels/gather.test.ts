import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../index.js';
import { assertClose, onBackend, randomValues } from '../test-helpers.js';

before(async () => {
  const engine = await initEngine({ device: 'cpu', native: false });
  assert.equal(engine.name, 'wasm');
});

describe('GatherV2 on wasm', () => {
  it('matches the cpu backend for embedding rows, other axes and batchDims', async () => {
    const x = randomValues(6 * 5 * 20, 1);
    const cases: [number[], number[], number[], number, number][] = [
      // x shape, indices, indices shape, axis, batchDims
      [[6, 100], [5, 0, 5, 2, 1, 3, 3, 0], [2, 4], 0, 0], // embedding rows (slice ≥ 16: TypedArray.set)
      [[6, 5, 20], [4, 0, 4], [3], 1, 0],
      [[6, 5, 20], [19, 0, 7, 7], [4], 2, 0], // slice size 1
      [[6, 5, 20], [1, 0, 2, 2, 4, 1, 0, 0, 3, 3, 1, 4], [6, 2], 1, 1],
    ];
    for (const [shape, ids, idsShape, axis, batchDims] of cases) {
      const run = () => tf.gather(tf.tensor(x, shape), tf.tensor(ids, idsShape, 'int32'), axis, batchDims);
      assertClose(await onBackend('wasm', run), await onBackend('cpu', run), 0, `gather ${shape} axis ${axis}`);
    }
  });

  it('gathers int32 and bool tensors', async () => {
    const ints = await onBackend('wasm', () => tf.cast(tf.gather(tf.tensor1d([7, 8, 9], 'int32'), tf.tensor1d([2, 0], 'int32')), 'float32'));
    assert.deepEqual([...ints.values], [9, 7]);
    const bools = await onBackend('wasm', () => tf.cast(tf.gather(tf.tensor1d([true, false], 'bool'), tf.tensor1d([1, 1, 0], 'int32')), 'float32'));
    assert.deepEqual([...bools.values], [0, 0, 1]);
  });

  it('rejects out-of-range indices like the stock kernel, without leaking', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([3, 4]);
    const ids = tf.tensor1d([0, 3], 'int32');
    const before = tf.memory().numTensors;
    assert.throws(() => tf.gather(x, ids), /GatherV2: the index value 3 is not in \[0, 2\]/);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, ids]);
  });
});
