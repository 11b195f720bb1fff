/**
 * Ops of the transformer with hand-written gradients (`tf.customGrad`), so that training does not pay for
 * the op-by-op autodiff of small element-wise ops:
 *
 * - `maskedCrossEntropy` (from the engine, re-exported): mean token cross-entropy over the non-PAD tokens.
 * - `layerNorm`: y = γ·(x − μ)/σ + β over the last axis with the closed-form backward
 *   dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ, dx̂ = dy·γ, dγ = Σ dy·x̂, dβ = Σ dy.
 */
import { tf } from '@veriflow/ml/engine';

export { maskedCrossEntropy } from '@veriflow/ml/engine';

/** tfjs types a custom-gradient function's parameters as `(Tensor | GradSaveFunc)[]`; ours name them. */
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

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
