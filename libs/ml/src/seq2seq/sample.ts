/**
 * Seeded ancestral sampling, batched over inputs: each of the K samples of an input draws every token from
 * the model's next-token distribution at a temperature, from its own random stream, so a sample does not
 * depend on the batch it ran in or on the other inputs. PAD and BOS are never drawn. Each drawn token's
 * log-probability is recorded under the model itself (temperature 1), i.e. what teacher-forced scoring
 * (`scoreSequences`) gives the same tokens, so it can serve as the generator's own likelihood of its output.
 * A sample ends at EOS (which counts as a token and has its log-probability) or at `maxLength` tokens.
 */
import type { Rng } from '@veriflow/step-api';
import { tf } from '../engine/index.js';
import { encodeChunk, nextLogProbs } from './decode.js';
import { BOS_ID, EOS_ID, PAD_ID } from './special-tokens.js';
import type { Transformer } from './transformer.js';

export interface SampledSequence {
  /** Output ids without BOS and EOS. */
  readonly tokens: number[];
  /** Log-probability of each drawn token under the model (EOS's last when `finished`). */
  readonly tokenLogProbs: number[];
  /** Ended with EOS (rather than at maxLength). */
  readonly finished: boolean;
}

export interface SampleOptions {
  /** Samples per input. */
  readonly samples: number;
  /** Divides the log-probabilities before drawing: below 1 sharper, above 1 flatter. */
  readonly temperature: number;
  /** Most drawn tokens per sample, EOS included. */
  readonly maxLength: number;
  /** The random stream of sample `k` of input `input`. */
  readonly rngFor: (input: number, k: number) => Rng;
  /** Sequences (inputs × samples) per forward pass (default 64). */
  readonly batchSize?: number;
  /** Called after each batch of inputs with the number done. */
  readonly onBatch?: (done: number) => void;
  readonly signal?: AbortSignal;
}

/** Draws an id from row `offset..offset+vocab` of log-probabilities at `temperature`, skipping PAD and BOS. */
export function drawToken(logp: Float32Array, offset: number, vocab: number, temperature: number, rng: Rng): number {
  let max = -Infinity;
  for (let id = 0; id < vocab; id++) if (id !== PAD_ID && id !== BOS_ID && logp[offset + id]! > max) max = logp[offset + id]!;
  const weights = new Float64Array(vocab);
  let total = 0;
  for (let id = 0; id < vocab; id++) {
    if (id === PAD_ID || id === BOS_ID) continue;
    weights[id] = Math.exp((logp[offset + id]! - max) / temperature);
    total += weights[id]!;
  }
  let u = rng.uniform() * total;
  let last = EOS_ID;
  for (let id = 0; id < vocab; id++) {
    if (weights[id] === 0) continue;
    last = id;
    u -= weights[id]!;
    if (u < 0) return id;
  }
  return last; // rounding left u ≥ 0 after the last weight
}

/** K samples per input, in input order and then k order. */
export async function sampleSequences(model: Transformer, inputs: readonly (readonly number[])[], options: SampleOptions): Promise<SampledSequence[][]> {
  const { samples, temperature } = options;
  if (!Number.isSafeInteger(samples) || samples < 1) throw new RangeError(`samples must be a positive integer, found ${samples}`);
  if (!(temperature > 0)) throw new RangeError(`temperature must be positive, found ${temperature}`);
  const out: SampledSequence[][] = [];
  const size = Math.max(1, Math.floor((options.batchSize ?? 64) / samples));
  const vocab = model.config.vocab;
  for (let at = 0; at < inputs.length; at += size) {
    options.signal?.throwIfAborted();
    const chunk = inputs.slice(at, at + size);
    const encoded = encodeChunk(model, chunk, samples);
    const rows = chunk.flatMap((_, i) => Array.from({ length: samples }, (_, k) => ({ rng: options.rngFor(at + i, k), tokens: [] as number[], tokenLogProbs: [] as number[], finished: false })));
    try {
      for (let t = 0; t < options.maxLength && rows.some((row) => !row.finished); t++) {
        const logp = await nextLogProbs(model, encoded, rows.map((row) => row.tokens), t + 1);
        rows.forEach((row, r) => {
          if (row.finished) return;
          const id = drawToken(logp, r * vocab, vocab, temperature, row.rng);
          row.tokenLogProbs.push(logp[r * vocab + id]!);
          if (id === EOS_ID) row.finished = true;
          else row.tokens.push(id);
        });
      }
    } finally {
      tf.dispose([encoded.memory, encoded.mask]);
    }
    chunk.forEach((_, i) => out.push(rows.slice(i * samples, (i + 1) * samples).map(({ tokens, tokenLogProbs, finished }) => ({ tokens, tokenLogProbs, finished }))));
    options.onBatch?.(out.length);
  }
  return out;
}
