// Mean token cross-entropy over a vocabulary with a hand-written gradient. Autodiff of the op-by-op form
// differentiates through the max with an `Equal` over all logits and recomputes exp in the backward; this one
// keeps the softmax it computes and needs one pass over it for the gradient. Natively it is one kernel each
// way; otherwise tfjs ops. (A plain-JS loop version was measured slower than the wasm kernels: Math.exp costs
// more than the wasm Exp kernel; the native one has a vectorised exp.)
import * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_XENT, SOFTMAX_XENT_GRAD, nativeKernels, runNative } from './native-kernels.js';
import { customGrad } from './custom-grad.js';

/**
 * Mean cross-entropy of `logits` [n, vocab] against `targets` [n] (int32), each row weighted by `weights`
 * [n] (e.g. 1 for a real token, 0 for padding) and divided by Σ weights (0 when every weight is 0).
 * Differentiable in `logits` only: the backward is (softmax − onehot) · weight / Σ weights.
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  const [n, vocab] = logits.shape;
  if (targets.shape[0] !== n || weights.shape[0] !== n) throw new Error(`maskedCrossEntropy: ${n} rows of logits, ${targets.shape[0]} targets, ${weights.shape[0]} weights`);
  if (targets.dtype !== 'int32') throw new Error(`maskedCrossEntropy: targets must be int32, found ${targets.dtype}`);
  const w = weights.dtype === 'float32' ? weights : (tf.cast(weights, 'float32') as tf.Tensor1D);
  return nativeKernels() != null && n > 0 && vocab > 0 ? nativeForm(logits, targets, w) : opsForm(logits, targets, w);
}

// Targets and weights are saved with the softmax rather than read from the closure in the backward: when they
// are made inside the function being differentiated, tfjs disposes them before the backward runs.

function nativeForm(logits: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  const fn = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [loss, probabilities] = runNative(SOFTMAX_XENT, { logits: x, targets, weights }) as [tf.Scalar, tf.Tensor];
    save([probabilities, targets, weights]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, t, w] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return runNative(SOFTMAX_XENT_GRAD, { probs: p, targets: t, weights: w, dy })[0]!;
      },
    };
  });
  return fn(logits) as tf.Scalar;
}

function opsForm(logits: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  const [n, vocab] = logits.shape;
  const fn = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const shifted = tf.sub(x, tf.max(x, -1, true));
    const exps = tf.exp(shifted);
    const sums = tf.sum(exps, -1, true);
    // The softmax is kept for the backward; the picked log-probabilities need only n values.
    const probabilities = tf.div(exps, sums);
    const rows = tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocab, 'int32'));
    const picked = tf.sub(tf.gather(tf.reshape(shifted, [n * vocab]), tf.add(rows, targets)), tf.reshape(tf.log(sums), [n]));
    const count = tf.maximum(tf.sum(weights), 1e-30);
    const value = tf.div(tf.neg(tf.sum(tf.mul(picked, weights))), count) as tf.Scalar;
    save([probabilities, count, targets, weights]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, c, t, w] = saved as [tf.Tensor2D, tf.Scalar, tf.Tensor1D, tf.Tensor1D];
        const scale = tf.reshape(tf.div(tf.mul(w, dy), c), [n, 1]);
        // oneHot in int32 (its default): the wasm OneHot kernel writes int bits into a float32 output.
        return tf.mul(tf.sub(p, tf.oneHot(t, vocab)), scale);
      },
    };
  });
  return fn(logits) as tf.Scalar;
}

