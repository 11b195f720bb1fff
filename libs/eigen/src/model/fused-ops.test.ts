import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { assertNoTensorLeak, initEngine, tf } from '@veriflow/ml/engine';
import { layerNorm, linear, maskedCrossEntropy } from './fused-ops.js';

before(async () => {
  await initEngine({ device: 'cpu', native: false });
});

function random(shape: number[], seed: number, scale = 1, offset = 0): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = offset + rng.normal() * scale;
  return tf.tensor(values, shape, 'float32');
}

function assertClose(actual: tf.Tensor, expected: tf.Tensor, tolerance: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const diff = Math.abs(a[i]! - e[i]!);
    if (!(diff <= tolerance * Math.max(1, Math.abs(e[i]!)))) assert.fail(`${what}[${i}]: ${a[i]} vs ${e[i]} (|Δ| ${diff})`);
  }
}

/** The op-by-op loss the training loop used before (logSumExp − picked logit, PAD-weighted mean). */
function referenceCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  const lse = tf.logSumExp(logits, -1);
  const picked = tf.sum(tf.mul(logits, tf.oneHot(targets, logits.shape[1])), -1);
  return tf.div(tf.sum(tf.mul(tf.sub(lse, picked), weights)), tf.sum(weights)) as tf.Scalar;
}

/** The op-by-op LayerNorm the transformer used before. */
function referenceLayerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

describe('maskedCrossEntropy', () => {
  for (const [n, vocab, scale] of [
    [7, 13, 1],
    [40, 1306, 3],
    [5, 4, 30],
  ] as const) {
    it(`equals logSumExp − picked (value and gradient, 1e-5) on [${n}, ${vocab}] logits ×${scale}, PAD rows ignored`, () => {
      assertNoTensorLeak(() =>
        tf.tidy(() => {
          const rng = createRng(n * vocab);
          const ids = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 0 : rng.int(vocab)));
          const targets = tf.tensor1d(ids, 'int32');
          const weights = tf.cast(tf.notEqual(targets, 0), 'float32') as tf.Tensor1D;
          const logits = random([n, vocab], n + vocab, scale) as tf.Tensor2D;
          const dy = tf.scalar(0.7);
          const fused = tf.valueAndGrad((x: tf.Tensor) => maskedCrossEntropy(x as tf.Tensor2D, targets, weights))(logits, dy);
          const reference = tf.valueAndGrad((x: tf.Tensor) => referenceCrossEntropy(x as tf.Tensor2D, targets, weights))(logits, dy);
          assertClose(fused.value, reference.value, 1e-5, 'loss');
          assertClose(fused.grad, reference.grad, 1e-5, 'dlogits');
          // PAD rows get no gradient.
          const g = fused.grad.arraySync() as number[][];
          ids.forEach((id, i) => {
            if (id === 0) assert.ok(g[i]!.every((v) => v === 0));
          });
        }),
      );
    });
  }
});

describe('layerNorm', () => {
  for (const [n, dim] of [
    [6, 8],
    [50, 64],
  ] as const) {
    it(`equals the op-by-op LayerNorm (value and gradients of x, γ, β, 1e-4) on [${n}, ${dim}]`, () => {
      assertNoTensorLeak(() =>
        tf.tidy(() => {
          const x = random([n, dim], n * dim, 2, 0.5) as tf.Tensor2D;
          const g = random([dim], dim + 1, 0.3, 1) as tf.Tensor1D;
          const b = random([dim], dim + 2, 0.3) as tf.Tensor1D;
          const dy = random([n, dim], dim + 3) as tf.Tensor2D;
          const f = (fn: typeof layerNorm) => tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => fn(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D));
          assertClose(layerNorm(x, g, b), referenceLayerNorm(x, g, b), 1e-4, 'y');
          const fused = f(layerNorm)([x, g, b], dy);
          const reference = f(referenceLayerNorm)([x, g, b], dy);
          for (const [i, name] of ['dx', 'dγ', 'dβ'].entries()) assertClose(fused[i]!, reference[i]!, 1e-4, name);
        }),
      );
    });
  }
});

describe('linear', () => {
  for (const transposeB of [false, true]) {
    it(`equals matMul + bias (value and gradients of x, W, b, 1e-4)${transposeB ? ' with Wᵀ' : ''}`, () => {
      assertNoTensorLeak(() =>
        tf.tidy(() => {
          const x = random([9, 16], 1) as tf.Tensor2D;
          const w = random(transposeB ? [24, 16] : [16, 24], 2) as tf.Tensor2D;
          const b = random([24], 3) as tf.Tensor1D;
          const dy = random([9, 24], 4) as tf.Tensor2D;
          const f = (fn: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D) =>
            tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => fn(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D));
          const reference = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.add(tf.matMul(x, w, false, transposeB), b) as tf.Tensor2D;
          const fused = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => linear(x, w, b, transposeB);
          assertClose(fused(x, w, b), reference(x, w, b), 1e-4, 'y');
          const got = f(fused)([x, w, b], dy);
          const want = f(reference)([x, w, b], dy);
          for (const [i, name] of ['dx', 'dW', 'db'].entries()) assertClose(got[i]!, want[i]!, 1e-4, name);
        }),
      );
    });
  }
});
