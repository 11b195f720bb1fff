/**
 * Greedy and beam-search decoding, batched over inputs. The encoder runs once per batch; the decoder is
 * re-run on the whole prefix each step (no key/value cache: the tasks' targets are short, eigenvalues
 * ≤ 3·dim + 3 tokens, summaries ≤ 41). PAD and BOS are never emitted. A hypothesis ends at EOS (its score
 * includes EOS's log-probability) or at `maxLength` tokens. Tokens come back without BOS/EOS.
 */
import { tf } from '../engine/index.js';
import { BOS_ID, EOS_ID, PAD_ID } from './special-tokens.js';
import { padIds } from './transformer.js';
import type { Encoded, Transformer } from './transformer.js';

export interface Hypothesis {
  /** Output ids without BOS and EOS. */
  readonly tokens: number[];
  /** Sum of the token log-probabilities (including EOS when finished). */
  readonly score: number;
  /** Ended with EOS (rather than at maxLength). */
  readonly finished: boolean;
}

export interface DecodeOptions {
  /** Most output tokens per hypothesis, EOS included. */
  readonly maxLength: number;
  /** Inputs per forward pass (default 64). */
  readonly batchSize?: number;
  /** Called after each batch of inputs with the number done. */
  readonly onBatch?: (done: number) => void;
  readonly signal?: AbortSignal;
}

const BANNED = new Set([PAD_ID, BOS_ID]);

/** The k best (log-prob, id) of a row, ties to the lower id, skipping PAD and BOS. */
function topK(row: Float32Array, offset: number, vocab: number, k: number): { id: number; lp: number }[] {
  const best: { id: number; lp: number }[] = [];
  for (let id = 0; id < vocab; id++) {
    if (BANNED.has(id)) continue;
    const lp = row[offset + id]!;
    if (best.length === k && lp <= best[k - 1]!.lp) continue;
    let at = best.length;
    while (at > 0 && lp > best[at - 1]!.lp) at--;
    best.splice(at, 0, { id, lp });
    if (best.length > k) best.pop();
  }
  return best;
}

/** Encodes inputs once, each repeated `repeat` times in a row (the beams or samples of one input). */
export function encodeChunk(model: Transformer, inputs: readonly (readonly number[])[], repeat: number): Encoded {
  const src = padIds(inputs);
  return tf.tidy((): Encoded => {
    const ids = tf.tensor2d(src.data, [inputs.length, src.width], 'int32');
    const encoded = model.encode(ids);
    if (repeat === 1) return encoded;
    const index = tf.tensor1d(Int32Array.from({ length: inputs.length * repeat }, (_, i) => Math.floor(i / repeat)), 'int32');
    return { memory: tf.gather(encoded.memory, index) as tf.Tensor3D, mask: tf.gather(encoded.mask, index) as tf.Tensor2D };
  });
}

function prefixes(sequences: readonly (readonly number[])[], length: number): Int32Array {
  const out = new Int32Array(sequences.length * length);
  sequences.forEach((s, i) => {
    out[i * length] = BOS_ID;
    for (let t = 0; t < s.length && t + 1 < length; t++) out[i * length + t + 1] = s[t]!;
  });
  return out;
}

/** Next-token log-probabilities [sequences × vocab] after BOS + each sequence (cut to `length` positions). */
export async function nextLogProbs(model: Transformer, encoded: Encoded, sequences: readonly (readonly number[])[], length: number): Promise<Float32Array> {
  const logp = tf.tidy(() => model.nextLogProbs(encoded, tf.tensor2d(prefixes(sequences, length), [sequences.length, length], 'int32')));
  return readAndDispose(logp);
}

/** The values of `x`, read asynchronously (WebGPU cannot read synchronously under Node); `x` is disposed. */
export async function readAndDispose(x: tf.Tensor): Promise<Float32Array> {
  try {
    return (await x.data()) as Float32Array;
  } finally {
    x.dispose();
  }
}

/** Greedy decoding: one hypothesis per input. */
export async function greedyDecode(model: Transformer, inputs: readonly (readonly number[])[], options: DecodeOptions): Promise<Hypothesis[]> {
  const out: Hypothesis[] = [];
  const size = options.batchSize ?? 64;
  const vocab = model.config.vocab;
  for (let at = 0; at < inputs.length; at += size) {
    options.signal?.throwIfAborted();
    const chunk = inputs.slice(at, at + size);
    const encoded = encodeChunk(model, chunk, 1);
    const tokens: number[][] = chunk.map(() => []);
    const scores = chunk.map(() => 0);
    const done = chunk.map(() => false);
    try {
      for (let t = 0; t < options.maxLength && done.includes(false); t++) {
        const logp = await nextLogProbs(model, encoded, tokens, t + 1);
        chunk.forEach((_, i) => {
          if (done[i]) return;
          const [best] = topK(logp, i * vocab, vocab, 1);
          scores[i]! += best!.lp;
          if (best!.id === EOS_ID) done[i] = true;
          else tokens[i]!.push(best!.id);
        });
      }
    } finally {
      tf.dispose([encoded.memory, encoded.mask]);
    }
    chunk.forEach((_, i) => out.push({ tokens: tokens[i]!, score: scores[i]!, finished: done[i]! }));
    options.onBatch?.(out.length);
  }
  return out;
}

interface Beam {
  tokens: number[];
  score: number;
  finished: boolean;
}

/**
 * Beam search with `beam` hypotheses per input: each step every live hypothesis is extended by its `beam`
 * best tokens, finished ones compete unchanged, and the `beam` best by summed log-probability survive.
 * Returns per input up to `beam` hypotheses, best first.
 */
export async function beamSearch(model: Transformer, inputs: readonly (readonly number[])[], beam: number, options: DecodeOptions): Promise<Hypothesis[][]> {
  if (!Number.isSafeInteger(beam) || beam < 1) throw new RangeError(`beam must be a positive integer, found ${beam}`);
  const out: Hypothesis[][] = [];
  const size = Math.max(1, Math.floor((options.batchSize ?? 64) / beam));
  const vocab = model.config.vocab;
  for (let at = 0; at < inputs.length; at += size) {
    options.signal?.throwIfAborted();
    const chunk = inputs.slice(at, at + size);
    const encoded = encodeChunk(model, chunk, beam);
    // beams[i][b]; only the first beam is alive at the start (the others would duplicate it).
    let beams: (Beam | null)[][] = chunk.map(() => Array.from({ length: beam }, (_, b) => (b === 0 ? { tokens: [], score: 0, finished: false } : null)));
    try {
      for (let t = 0; t < options.maxLength; t++) {
        if (beams.every((row) => row.every((h) => h === null || h.finished))) break;
        const flat = beams.flatMap((row) => row.map((h) => h?.tokens ?? []));
        const logp = await nextLogProbs(model, encoded, flat, t + 1);
        beams = beams.map((row, i) => {
          const candidates: Beam[] = [];
          row.forEach((h, b) => {
            if (h === null) return;
            if (h.finished) {
              candidates.push(h);
              return;
            }
            for (const { id, lp } of topK(logp, (i * beam + b) * vocab, vocab, beam)) {
              candidates.push(id === EOS_ID ? { tokens: h.tokens, score: h.score + lp, finished: true } : { tokens: [...h.tokens, id], score: h.score + lp, finished: false });
            }
          });
          candidates.sort((x, y) => y.score - x.score);
          return Array.from({ length: beam }, (_, b) => candidates[b] ?? null);
        });
      }
    } finally {
      tf.dispose([encoded.memory, encoded.mask]);
    }
    for (const row of beams) out.push(row.filter((h): h is Beam => h !== null).map((h) => ({ tokens: h.tokens, score: h.score, finished: h.finished })));
    options.onBatch?.(out.length);
  }
  return out;
}

/**
 * Summed log-probability of each output under teacher forcing (EOS counted when `finished`): what a beam's
 * score should equal.
 */
export async function sequenceLogProb(model: Transformer, input: readonly number[], output: Hypothesis | { tokens: readonly number[]; finished: boolean }): Promise<number> {
  const vocab = model.config.vocab;
  const logp = await readAndDispose(
    tf.tidy(() => {
      const src = tf.tensor2d([...input], [1, input.length], 'int32');
      const tgtIn = tf.tensor2d([BOS_ID, ...output.tokens], [1, output.tokens.length + 1], 'int32');
      return tf.logSoftmax(tf.reshape(model.forward(src, tgtIn), [output.tokens.length + 1, vocab]));
    }),
  );
  const targets = output.finished ? [...output.tokens, EOS_ID] : [...output.tokens];
  return targets.reduce((sum, id, t) => sum + logp[t * vocab + id]!, 0);
}
