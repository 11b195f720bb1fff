// LayerNorm over the last axis with a hand-written gradient, optionally of a residual sum: LN(x + r) is how
// every post-LN transformer sublayer ends. Natively one kernel each way; otherwise tfjs ops with the closed-form
// backward dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ, dx̂ = dy·γ, dγ = Σ dy·x̂, dβ = Σ dy.
import * as tf from '@tensorflow/tfjs-core';
import { LAYER_NORM, LAYER_NORM_GRAD, nativeKernels, runNative } from './native-kernels.js';
import { customGrad } from './custom-grad.js';

export interface LayerNormOptions {
  /** Default 1e-5. */
  readonly epsilon?: number;
  /** Normalise x + residual (same shape as x) instead of x. */
  readonly residual?: tf.Tensor2D;
}

/** γ·(s − μ)/σ + β over the last axis of s = x (+ residual), x [n, dim], γ and β [dim]. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: LayerNormOptions = {}): tf.Tensor2D {
  const epsilon = options.epsilon ?? 1e-5;
  const { residual } = options;
  const dim = x.shape[1];
  if (x.rank !== 2 || gamma.shape[0] !== dim || beta.shape[0] !== dim) throw new Error(`layerNorm: expects x [n, dim] with γ and β [dim], found ${JSON.stringify(x.shape)}, ${JSON.stringify(gamma.shape)}, ${JSON.stringify(beta.shape)}`);
  if (residual != null && !tf.util.arraysEqual(residual.shape, x.shape)) throw new Error(`layerNorm: residual ${JSON.stringify(residual.shape)} does not match x ${JSON.stringify(x.shape)}`);
  if (nativeKernels() != null && x.shape[0] * dim > 0) return nativeLayerNorm(x, gamma, beta, epsilon, residual);
  return opsLayerNorm(residual == null ? x : tf.add(x, residual), gamma, beta, epsilon);
}

function nativeLayerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, residual: tf.Tensor2D | undefined): tf.Tensor2D {
  const forward = (input: tf.Tensor, r: tf.Tensor | undefined, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, xhat, rstd] = runNative(LAYER_NORM, { x: input, residual: r, gamma: g, beta: b }, { epsilon }) as [tf.Tensor, tf.Tensor, tf.Tensor];
    save([xhat, rstd, g]);
    const backward = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [h, s, gain] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return runNative(LAYER_NORM_GRAD, { dy, xhat: h, rstd: s, gamma: gain }) as [tf.Tensor, tf.Tensor, tf.Tensor];
    };
    return { value: y, backward };
  };
  if (residual == null) {
    const fn = customGrad((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
      const { value, backward } = forward(input, undefined, g, b, save);
      return { value, gradFunc: backward };
    });
    return fn(x, gamma, beta) as tf.Tensor2D;
  }
  const fn = customGrad((input: tf.Tensor, r: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const { value, backward } = forward(input, r, g, b, save);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [dx, dg, db] = backward(dy, saved);
        // The sum's gradient reaches both addends; each gets its own tensor (tfjs may dispose one on accumulation).
        return [dx, tf.clone(dx), dg, db];
      },
    };
  });
  return fn(x, residual, gamma, beta) as tf.Tensor2D;
}

function opsLayerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  const fn = customGrad((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
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
  });
  return fn(x, gamma, beta) as tf.Tensor2D;
}
