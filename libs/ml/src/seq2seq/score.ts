/**
 * Teacher-forced scoring, batched: the log-probability the model gives each token of a given target
 * (and the EOS after it), conditioned on the input. A judge's likelihood of another model's outputs.
 */
import { tf } from '../engine/index.js';
import { readAndDispose } from './decode.js';
import { makeBatch } from './train-loop.js';
import type { SequencePair } from './train-loop.js';
import type { Transformer } from './transformer.js';

export interface ScoreOptions {
  /** Pairs per forward pass (default 64). */
  readonly batchSize?: number;
  readonly onBatch?: (done: number) => void;
  readonly signal?: AbortSignal;
}

/** Per pair, the log-probabilities of its target tokens and then of EOS (target.length + 1 values). */
export async function scoreSequences(model: Transformer, pairs: readonly SequencePair[], options: ScoreOptions = {}): Promise<number[][]> {
  const size = options.batchSize ?? 64;
  const vocab = model.config.vocab;
  const out: number[][] = [];
  for (let at = 0; at < pairs.length; at += size) {
    options.signal?.throwIfAborted();
    const chunk = pairs.slice(at, at + size);
    const batch = makeBatch(chunk);
    const values = await readAndDispose(tf.tidy(() => {
      const src = tf.tensor2d(batch.src, [batch.size, batch.srcLen], 'int32');
      const tgtIn = tf.tensor2d(batch.tgtIn, [batch.size, batch.tgtLen], 'int32');
      return tf.logSoftmax(tf.reshape(model.forward(src, tgtIn), [batch.size * batch.tgtLen, vocab]));
    }));
    chunk.forEach((pair, i) => {
      const row: number[] = [];
      for (let t = 0; t <= pair.target.length; t++) {
        const position = i * batch.tgtLen + t;
        row.push(values[position * vocab + batch.tgtOut[position]!]!);
      }
      out.push(row);
    });
    options.onBatch?.(out.length);
  }
  return out;
}
