import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { EngineDecision } from './index.js';
import { assertNoTensorLeak, initEngine, matMulStats, tf } from './index.js';

let engine: EngineDecision;

before(async () => {
  engine = await initEngine({ device: 'cpu', native: false });
});

describe('initEngine', () => {
  it('selects wasm, registers the kernels, and loads gradients and chained ops', () => {
    assert.equal(engine.name, 'wasm');
    assert.equal(engine.kernels.length, 5);
    assert.match(engine.kernels[0] ?? '', /^UnsortedSegmentSum \(wasm\): registered/);
    assert.match(engine.kernels[1] ?? '', /^GatherV2 \(wasm\): slice copies/);
    assert.match(engine.kernels[2] ?? '', /^Identity \(wasm\): shares data/);
    assert.match(engine.kernels[3] ?? '', /^Sum \(wasm\): column sums/);
    assert.match(engine.kernels[4] ?? '', /^BatchMatMul \(wasm\): XNNPACK/);
    assert.deepEqual(engine.gradients.fixes.length, 1);
    assert.ok(tf.getGradient('Sum'), 'gradients registered');
    assert.equal(engine.gradients.chainedOps, true);
    const v = tf.tensor1d([1, 2, 3]);
    assert.deepEqual([...v.square().sum().dataSync()], [14]);
    v.dispose();
  });

  it('is idempotent', async () => {
    const again = await initEngine({ device: 'cpu', native: false });
    assert.deepEqual(again.kernels, engine.kernels);
    assert.equal(again.name, 'wasm');
  });
});

describe('assertNoTensorLeak', () => {
  it('passes clean code and returns its value', () => {
    const value = assertNoTensorLeak(() => tf.tidy(() => tf.sum(tf.ones([3])).dataSync()[0]));
    assert.equal(value, 3);
  });

  it('throws on a leak, and honours `allowed`', () => {
    let kept: tf.Tensor | undefined;
    assert.throws(
      () =>
        assertNoTensorLeak(
          () => {
            kept = tf.ones([2]);
          },
          { label: 'step' },
        ),
      /tensor leak in step: tf.memory\(\).numTensors went \d+ → \d+ \(\+1, allowed 0\)/,
    );
    kept?.dispose();
    const t = assertNoTensorLeak(() => tf.ones([2]), { allowed: 1 });
    t.dispose();
  });

  it('awaits async functions', async () => {
    let kept: tf.Tensor | undefined;
    await assert.rejects(
      assertNoTensorLeak(async () => {
        await Promise.resolve();
        kept = tf.ones([1]);
      }),
      /tensor leak/,
    );
    kept?.dispose();
  });
});

describe('training on wasm', () => {
  it('a 2-layer MLP over an embedding learns with Adam and leaks no tensors', () => {
    const vocab = 16;
    const dim = 8;
    const hidden = 32;
    const classes = 4;
    const n = 128;
    // Task: class of a token pair = (a + b) mod 4, learnable only through the embedding.
    const pairs: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = (i * 5 + 3) % vocab;
      const b = (i * 11 + 7) % vocab;
      pairs.push(a, b);
      labels.push((a + b) % classes);
    }
    const x = tf.tensor2d(pairs, [n, 2], 'int32');
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
    const init = (shape: number[], seed: number) => tf.variable(tf.randomNormal(shape, 0, 0.3, 'float32', seed));
    const emb = init([vocab, dim], 1);
    const w1 = init([2 * dim, hidden], 2);
    const b1 = tf.variable(tf.zeros([hidden]));
    const w2 = init([hidden, classes], 3);
    const b2 = tf.variable(tf.zeros([classes]));
    const optimizer = tf.train.adam(0.03);
    const loss = () =>
      tf.tidy(() => {
        const e = tf.reshape(tf.gather(emb, x), [n, 2 * dim]);
        const h = tf.relu(tf.add(tf.matMul(e, w1), b1));
        const logits = tf.add(tf.matMul(h, w2), b2);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      });

    matMulStats(true);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 50; step++) {
      const value = optimizer.minimize(loss, true, [emb, w1, b1, w2, b2]);
      assert.ok(value);
      losses.push(value.dataSync()[0] as number);
      value.dispose();
      counts.push(tf.memory().numTensors);
    }
    // Adam creates its moment variables on the first step; from then on the count is flat.
    assert.deepEqual(new Set(counts.slice(1)).size, 1, `numTensors per step: ${counts.join(',')}`);
    const first = losses[0] as number;
    const last = losses[losses.length - 1] as number;
    assert.ok(last < 0.5 * first, `loss ${first} → ${last}`);
    // The gradients went through our kernels (XNNPACK with transposes, or OpenBLAS), none on the stock kernel.
    const stats = matMulStats();
    assert.equal(stats.stock, 0);
    assert.ok(stats.transposes >= 50 || stats.accelerator >= 150, JSON.stringify(stats));

    optimizer.dispose();
    tf.dispose([x, y, emb, w1, b1, w2, b2]);
  });
});
