import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../index.js';
import { assertClose, onBackend, randomValues } from '../test-helpers.js';
import { segmentSumShape } from './unsorted-segment-sum.js';

before(async () => {
  const engine = await initEngine({ device: 'cpu', native: false });
  assert.equal(engine.name, 'wasm');
});

describe('UnsortedSegmentSum on wasm', () => {
  it('is registered for wasm', () => {
    assert.ok(tf.getKernel('UnsortedSegmentSum', 'wasm'));
  });

  it('matches the cpu backend, dropping out-of-range ids', async () => {
    const x = randomValues(7 * 3 * 2, 1);
    const ids = [2, 0, 2, -1, 4, 9, 2];
    const run = () => tf.unsortedSegmentSum(tf.tensor(x, [7, 3, 2]), tf.tensor1d(ids, 'int32'), 5);
    const wasm = await onBackend('wasm', run);
    const cpu = await onBackend('cpu', run);
    assert.deepEqual(wasm.shape, [5, 3, 2]);
    assertClose(wasm, cpu, 1e-6, 'unsortedSegmentSum');
    // Segment 1 and 3 receive nothing.
    assert.deepEqual([...wasm.values.slice(6, 12)], [0, 0, 0, 0, 0, 0]);
  });

  it('handles int32 values and a 1-D x', async () => {
    const run = () => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 1, 0, 1], 'int32'), 3);
    const wasm = await onBackend('wasm', run);
    assert.deepEqual([...wasm.values], [3, 7, 0]);
  });

  it('follows TensorFlow shape rules', () => {
    assert.deepEqual(segmentSumShape([4, 5, 6], [4, 5], 3), [3, 6]);
    assert.throws(() => segmentSumShape([4, 5], [5], 3), /must be a prefix/);
  });

  it('makes tf.grad of an embedding lookup match the cpu backend to 1e-5', async () => {
    const vocab = 50;
    const dim = 16;
    const table = randomValues(vocab * dim, 7);
    const weights = randomValues(4 * 6 * dim, 8);
    // Batch × sequence ids, with repeats (which must accumulate).
    const ids = Array.from({ length: 24 }, (_, i) => (i * 7) % 13);
    const run = () =>
      tf.grad((emb: tf.Tensor) => {
        const looked = tf.gather(emb, tf.tensor2d(ids, [4, 6], 'int32'));
        return tf.sum(tf.mul(tf.square(looked), tf.tensor(weights, [4, 6, dim])));
      })(tf.tensor2d(table, [vocab, dim]));
    const wasm = await onBackend('wasm', run);
    const cpu = await onBackend('cpu', run);
    assertClose(wasm, cpu, 1e-5, 'embedding gradient');
    // Rows never looked up have zero gradient.
    assert.deepEqual([...wasm.values.slice(49 * dim, 50 * dim)], new Array(dim).fill(0));
  });
});
