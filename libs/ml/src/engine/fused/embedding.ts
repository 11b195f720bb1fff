// Token plus learned-position embeddings as one op: out[b·L + l] = table[ids[b, l]] + positions[l]. Natively
// one kernel each way (the backward scatter-adds into the table and sums over the batch for the positions);
// otherwise gather, slice and add, whose gradients cost an UnsortedSegmentSum, a Sum and a Pad.
import * as tf from '@tensorflow/tfjs-core';
import { EMBEDDING, EMBEDDING_GRAD, nativeKernels, runNative } from './native-kernels.js';
import { customGrad } from './custom-grad.js';

/** ids [batch, length] (int32, in [0, vocab)), table [vocab, dim], positions [rows ≥ length, dim] → [batch·length, dim]. */
export function embedding(ids: tf.Tensor2D, table: tf.Tensor2D, positions: tf.Tensor2D): tf.Tensor2D {
  const [batch, length] = ids.shape;
  const dim = table.shape[1];
  if (ids.dtype !== 'int32') throw new Error(`embedding: ids must be int32, found ${ids.dtype}`);
  if (positions.shape[1] !== dim || positions.shape[0] < length) throw new Error(`embedding: positions ${JSON.stringify(positions.shape)} must be [≥ ${length}, ${dim}] for ids ${JSON.stringify(ids.shape)} and table ${JSON.stringify(table.shape)}`);
  if (nativeKernels() != null && batch * length > 0) return nativeForm(ids, table, positions);
  return tf.tidy(() => {
    const tokens = tf.reshape(tf.gather(table, tf.reshape(ids, [batch * length])), [batch, length, dim]);
    return tf.reshape(tf.add(tokens, tf.slice(positions, [0, 0], [length, dim])), [batch * length, dim]) as tf.Tensor2D;
  });
}

function nativeForm(ids: tf.Tensor2D, table: tf.Tensor2D, positions: tf.Tensor2D): tf.Tensor2D {
  const shapes = { vocab: table.shape[0], positionRows: positions.shape[0], dim: table.shape[1] };
  const fn = customGrad((t: tf.Tensor, p: tf.Tensor, save: tf.GradSaveFunc) => {
    // Saved, not read from the closure: ids made inside the differentiated function are gone by the backward.
    save([ids]);
    return {
      value: runNative(EMBEDDING, { ids, table: t, positions: p })[0]!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runNative(EMBEDDING_GRAD, { dy, ids: saved[0] }, shapes),
    };
  });
  return fn(table, positions) as tf.Tensor2D;
}
