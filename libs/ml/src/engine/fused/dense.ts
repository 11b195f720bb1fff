// A dense layer, x·W + b with an optional relu, as one op. Natively one kernel each way (OpenBLAS products,
// bias, relu and its mask, bias gradient); otherwise tfjs's `_FusedMatMul`, whose op and gradient cost ~10
// small kernels (rank-3 reshapes, the relu mask, the bias sum) around the products.
import * as tf from '@tensorflow/tfjs-core';
import { DENSE, DENSE_GRAD, nativeProducts, runNative } from './native-kernels.js';
import { customGrad } from './custom-grad.js';

export interface DenseOptions {
  /** W is [out, in] (x·Wᵀ + b), e.g. an output projection tied to an embedding table. */
  readonly transposeW?: boolean;
  readonly activation?: 'linear' | 'relu';
}

/** x [n, in] · W ([in, out], or [out, in] with transposeW) + b [out], then the activation. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, options: DenseOptions = {}): tf.Tensor2D {
  const transposeW = options.transposeW === true;
  const activation = options.activation ?? 'linear';
  if (x.rank !== 2 || w.rank !== 2 || b.rank !== 1) throw new Error(`dense: expects x [n, in], W 2-D and b 1-D, found ranks ${x.rank}, ${w.rank}, ${b.rank}`);
  const [inputs, outputs] = transposeW ? [w.shape[1], w.shape[0]] : w.shape;
  if (x.shape[1] !== inputs || b.shape[0] !== outputs) throw new Error(`dense: x ${JSON.stringify(x.shape)}, W ${JSON.stringify(w.shape)}${transposeW ? 'ᵀ' : ''} and b ${JSON.stringify(b.shape)} do not fit`);
  if (nativeProducts() != null && x.shape[0] > 0) return nativeForm(x, w, b, transposeW, activation === 'relu');
  return tf.fused.matMul({ a: x, b: w, bias: b, transposeB: transposeW, activation }) as tf.Tensor2D;
}

function nativeForm(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, transposeW: boolean, relu: boolean): tf.Tensor2D {
  const attrs = { transposeW, relu };
  const fn = customGrad((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y] = runNative(DENSE, { x: xi, w: wi, b: bi }, attrs) as [tf.Tensor];
    // The relu output is its own mask (y > 0 exactly where the pre-activation is).
    save(relu ? [xi, wi, y] : [xi, wi]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        return runNative(DENSE_GRAD, { dy, x: sx, w: sw, y: sy }, attrs);
      },
    };
  });
  return fn(x, w, b) as tf.Tensor2D;
}
