/**
 * Ops of the transformer with hand-written gradients (`tf.customGrad`), so that training does not pay for
 * the op-by-op autodiff of small element-wise ops:
 *
 * - `maskedCrossEntropy`: mean token cross-entropy over the non-PAD tokens. The forward is the stable
 *   log-softmax x − max − log Σ exp(x − max); the backward is (softmax − onehot)·mask/count, so no
 *   gradient flows through `max` (tfjs' `logSumExp` differentiates it with an `Equal` over the logits).
 * - `layerNorm`: y = γ·(x − μ)/σ + β over the last axis with the closed-form backward
 *   dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ, dx̂ = dy·γ, dγ = Σ dy·x̂, dβ = Σ dy.
 */
import { tf } from '@veriflow/ml/engine';

/** tfjs types a custom-gradient function's parameters as `(Tensor | GradSaveFunc)[]`; ours name them. */
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/**
 * Mean cross-entropy of `logits` [n, vocab] against `targets` [n] (int32), each row weighted by
 * `weights` [n] (1 for a real token, 0 for PAD) and divided by Σ weights. Differentiable in `logits` only.
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  const [n, vocab] = logits.shape;
  const fn = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const max = tf.max(x, -1, true);
    const shifted = tf.sub(x, max);
    const lse = tf.log(tf.sum(tf.exp(shifted), -1, true));
    const logProbs = tf.sub(shifted, lse) as tf.Tensor2D; // [n, vocab]
    const count = tf.sum(weights);
    const rows = tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocab, 'int32'));
    const picked = tf.gather(tf.reshape(logProbs, [n * vocab]), tf.add(rows, targets)); // [n]
    const value = tf.div(tf.neg(tf.sum(tf.mul(picked, weights))), count) as tf.Scalar;
    save([logProbs, count]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [lp, c] = saved as [tf.Tensor2D, tf.Scalar];
        const scale = tf.reshape(tf.div(tf.mul(weights, dy), c), [n, 1]);
        // oneHot in int32 (its default): the wasm OneHot kernel writes int bits into a float32 output.
        return tf.mul(tf.sub(tf.exp(lp), tf.oneHot(targets, vocab)), scale);
      },
    };
  }) as unknown as CustomGradientFunc);
  return fn(logits) as tf.Scalar;
}

/** LayerNorm over the last axis of x [n, dim] with gain γ [dim] and bias β [dim]. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5): tf.Tensor2D {
  const fn = tf.customGrad(((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const centred = tf.sub(input, tf.mean(input, -1, true));
    const inv = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), epsilon));
    const normalised = tf.mul(centred, inv);
    save([normalised, inv, g]);
    return {
      value: tf.add(tf.mul(normalised, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xhat, rstd, gain] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dxhat = tf.mul(dy, gain);
        const a = tf.mean(dxhat, -1, true);
        const c = tf.mean(tf.mul(dxhat, xhat), -1, true);
        const dx = tf.mul(tf.sub(tf.sub(dxhat, a), tf.mul(xhat, c)), rstd);
        return [dx, tf.sum(tf.mul(dy, xhat), 0), tf.sum(dy, 0)];
      },
    };
  }) as unknown as CustomGradientFunc);
  return fn(x, gamma, beta) as tf.Tensor2D;
}

/**
 * x·W + b (or x·Wᵀ + b with `transposeB`) for 2-D x in one `_FusedMatMul` kernel. Only for rank-2 inputs:
 * tf.fused.matMul's bias gradient is wrong for batched (rank-3) inputs with a broadcast bias.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, transposeB = false): tf.Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || b.rank !== 1) throw new Error(`linear: expects x [n, k], W 2-D and b 1-D, found ranks ${x.rank}, ${w.rank}, ${b.rank}`);
  return tf.fused.matMul({ a: x, b: w, bias: b, transposeB }) as tf.Tensor2D;
}
