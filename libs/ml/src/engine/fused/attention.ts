// Multi-head scaled dot-product attention over projected queries, keys and values, all [batch·len, heads·dh]
// with head h in columns h·dh..(h+1)·dh. Natively one kernel each way (no head transposes; the products go to
// OpenBLAS on strided slices); otherwise the op-by-op form, differentiated by tfjs.
import * as tf from '@tensorflow/tfjs-core';
import { ATTENTION, ATTENTION_GRAD, nativeProducts, runNative } from './native-kernels.js';
import { customGrad } from './custom-grad.js';

/** Added to masked scores (the softmax then gives them no weight). */
export const MASKED = -1e9;

export interface AttentionShape {
  readonly batch: number;
  readonly heads: number;
  /** Query positions per sequence. */
  readonly lq: number;
  /** Key/value positions per sequence. */
  readonly lk: number;
  /** Additive mask over keys, batch·lk values (0 or MASKED), e.g. for padding. Not differentiated. */
  readonly keyMask?: tf.Tensor;
  /** Query i attends to keys 0..i only. */
  readonly causal?: boolean;
}

/** softmax(Q·Kᵀ/√dh + masks)·V per head; q [batch·lq, dim], k and v [batch·lk, dim] → [batch·lq, dim]. */
export function attention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const { batch, heads, lq, lk, keyMask } = shape;
  const dim = q.shape[1];
  if (dim % heads !== 0) throw new Error(`attention: dim ${dim} is not divisible by ${heads} heads`);
  if (q.shape[0] !== batch * lq || k.shape[0] !== batch * lk || !tf.util.arraysEqual(k.shape, v.shape) || k.shape[1] !== dim) {
    throw new Error(`attention: q ${JSON.stringify(q.shape)}, k ${JSON.stringify(k.shape)}, v ${JSON.stringify(v.shape)} do not fit batch ${batch}, lq ${lq}, lk ${lk}`);
  }
  if (keyMask != null && keyMask.size !== batch * lk) throw new Error(`attention: keyMask has ${keyMask.size} values, expected batch·lk = ${batch * lk}`);
  // Query i sees keys 0..i: that is causal only when queries and keys are the same positions.
  if (shape.causal && lq !== lk) throw new Error(`attention: a causal mask needs lq = lk, found ${lq} and ${lk}`);
  // No queries: nothing to attend (the wasm backend's Transpose cannot even take empty tensors).
  if (batch * lq === 0) return tf.mul(q, 0);
  if (lk === 0) throw new Error(`attention: ${lq} queries per sequence over no keys (lk = 0)`);
  const mask = keyMask == null || keyMask.dtype === 'float32' ? keyMask : tf.cast(keyMask, 'float32');
  const cast = mask === keyMask ? shape : { ...shape, keyMask: mask };
  return nativeProducts() != null ? nativeForm(q, k, v, cast) : opsForm(q, k, v, cast);
}

function nativeForm(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const dh = q.shape[1] / shape.heads;
  const attrs = { batch: shape.batch, heads: shape.heads, lq: shape.lq, lk: shape.lk, dh, scale: 1 / Math.sqrt(dh), causal: shape.causal === true };
  const keyMask = shape.keyMask;
  const fn = customGrad((qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor, save: tf.GradSaveFunc) => {
    const [out, probs] = runNative(ATTENTION, { q: qi, k: ki, v: vi, keyMask }, attrs) as [tf.Tensor, tf.Tensor];
    save([qi, ki, vi, probs]);
    return {
      value: out,
      gradFunc: (dout: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sp] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return runNative(ATTENTION_GRAD, { dout, q: sq, k: sk, v: sv, probs: sp }, attrs);
      },
    };
  });
  return fn(q, k, v) as tf.Tensor2D;
}

function opsForm(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const { batch, heads, lq, lk } = shape;
  const dim = q.shape[1];
  const dh = dim / heads;
  return tf.tidy(() => {
    const split = (t: tf.Tensor2D, length: number) => tf.transpose(tf.reshape(t, [batch, length, heads, dh]), [0, 2, 1, 3]) as tf.Tensor4D;
    let scores: tf.Tensor4D = tf.matMul(split(tf.mul(q, 1 / Math.sqrt(dh)) as tf.Tensor2D, lq), split(k, lk), false, true);
    if (shape.keyMask != null) scores = tf.add(scores, tf.reshape(shape.keyMask, [batch, 1, 1, lk]));
    if (shape.causal) scores = tf.add(scores, causalMask(lq, lk));
    const context = tf.matMul(tf.softmax(scores), split(v, lk)); // [batch, heads, lq, dh]
    return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * lq, dim]) as tf.Tensor2D;
  });
}

/** Additive [1, 1, lq, lk] mask: MASKED where key j > query i. */
function causalMask(lq: number, lk: number): tf.Tensor4D {
  const values = new Float32Array(lq * lk);
  for (let i = 0; i < lq; i++) for (let j = i + 1; j < lk; j++) values[i * lk + j] = MASKED;
  return tf.tensor4d(values, [1, 1, lq, lk]);
}
