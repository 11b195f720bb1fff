/**
 * An encoder–decoder transformer written directly on tfjs ops (tfjs-layers has no attention, and
 * `model.fit` was measured 5–13× slower than a hand-written loop), after LAWT's model:
 *
 * - token embeddings: one table for the encoder; one for the decoder, shared with the output projection
 *   (logits = h · Eᵀ + b);
 * - learned positional embeddings (one table per side), added to the token embeddings;
 * - multi-head attention: encoder self-attention (source PAD keys masked), decoder self-attention with a
 *   causal mask, decoder cross-attention to the encoder output (source PAD keys masked);
 * - ReLU feed-forward of 4×dim; no dropout;
 * - post-LayerNorm as in LAWT (LayerNorm after the embeddings and after each residual), or pre-LayerNorm
 *   (`norm: 'pre'`: LayerNorm before each sublayer, one final LayerNorm per stack).
 *
 * Parameters are tf.Variables filled from a seeded JS RNG (sfc32 via `createRng`), so a seed gives the
 * same weights on every machine. Inputs are int32 id matrices [batch, length], PAD = 0, right-padded.
 */
import { createRng } from '@veriflow/step-api';
import { MASKED, attention, dense as engineDense, embedding, layerNorm as engineLayerNorm, tf } from '../engine/index.js';
import { PAD_ID } from './special-tokens.js';

export type NormPlacement = 'post' | 'pre';

export interface TransformerConfig {
  readonly dim: number;
  readonly heads: number;
  readonly encoderLayers: number;
  readonly decoderLayers: number;
  /** Longest sequence either side takes (positions 0..maxLen-1); the decoder's includes its leading BOS. */
  readonly maxLen: number;
  readonly vocab: number;
  /** LayerNorm placement; default 'post' (LAWT). */
  readonly norm?: NormPlacement;
}

const LN_EPS = 1e-5;

export function checkConfig(config: TransformerConfig): void {
  for (const key of ['dim', 'heads', 'encoderLayers', 'decoderLayers', 'maxLen', 'vocab'] as const) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value < (key.endsWith('Layers') ? 0 : 1)) throw new RangeError(`transformer config: "${key}" must be a ${key.endsWith('Layers') ? 'non-negative' : 'positive'} integer, found ${String(value)}`);
  }
  if (config.decoderLayers < 1) throw new RangeError('transformer config: "decoderLayers" must be at least 1');
  if (config.dim % config.heads !== 0) throw new RangeError(`transformer config: dim ${config.dim} is not divisible by heads ${config.heads}`);
  if (config.norm !== undefined && config.norm !== 'post' && config.norm !== 'pre') throw new RangeError(`transformer config: "norm" must be "post" or "pre"`);
}

interface Linear {
  w: tf.Variable;
  b: tf.Variable;
}
interface Norm {
  g: tf.Variable;
  b: tf.Variable;
}
interface Attention {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
}
interface EncoderLayer {
  self: Attention;
  norm1: Norm;
  ff1: Linear;
  ff2: Linear;
  norm2: Norm;
}
interface DecoderLayer extends EncoderLayer {
  cross: Attention;
  norm3: Norm;
}

export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** What `encode` returns; dispose it (or let a tidy do it) when done. */
export type Encoded = {
  /** [batch, srcLen, dim]. */
  readonly memory: tf.Tensor3D;
  /** Additive key mask [batch, srcLen]: 0 for tokens, MASKED (−1e9) for PAD. */
  readonly mask: tf.Tensor2D;
};

export class Transformer {
  readonly config: Required<TransformerConfig>;
  /** Every parameter in a fixed order (the checkpoint order). */
  readonly parameters: NamedVariable[] = [];
  private readonly encEmbed: tf.Variable;
  private readonly encPos: tf.Variable;
  private readonly decEmbed: tf.Variable;
  private readonly decPos: tf.Variable;
  private readonly outBias: tf.Variable;
  private readonly encNorm: Norm;
  private readonly decNorm: Norm;
  private readonly encoder: EncoderLayer[] = [];
  private readonly decoder: DecoderLayer[] = [];
  private disposed = false;

  constructor(config: TransformerConfig, seed: number) {
    checkConfig(config);
    this.config = { norm: 'post', ...config };
    const { dim, vocab, maxLen } = this.config;
    const rng = createRng(seed >>> 0);
    const make = (name: string, shape: number[], std: number, constant = 0): tf.Variable => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(size);
      if (std > 0) for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
      else if (constant !== 0) values.fill(constant);
      const initial = tf.tensor(values, shape, 'float32');
      const variable = tf.variable(initial, true);
      initial.dispose();
      this.parameters.push({ name, variable });
      return variable;
    };
    const linear = (name: string, fanIn: number, fanOut: number): Linear => ({
      w: make(`${name}.w`, [fanIn, fanOut], Math.sqrt(2 / (fanIn + fanOut))),
      b: make(`${name}.b`, [fanOut], 0),
    });
    const norm = (name: string): Norm => ({ g: make(`${name}.g`, [dim], 0, 1), b: make(`${name}.b`, [dim], 0) });
    const attention = (name: string): Attention => ({ q: linear(`${name}.q`, dim, dim), k: linear(`${name}.k`, dim, dim), v: linear(`${name}.v`, dim, dim), o: linear(`${name}.o`, dim, dim) });
    const embStd = 1 / Math.sqrt(dim);
    this.encEmbed = make('encoder.embed', [vocab, dim], embStd);
    this.encPos = make('encoder.position', [maxLen, dim], embStd);
    this.encNorm = norm('encoder.norm');
    for (let l = 0; l < this.config.encoderLayers; l++) {
      const p = `encoder.${l}`;
      this.encoder.push({ self: attention(`${p}.self`), norm1: norm(`${p}.norm1`), ff1: linear(`${p}.ff1`, dim, 4 * dim), ff2: linear(`${p}.ff2`, 4 * dim, dim), norm2: norm(`${p}.norm2`) });
    }
    this.decEmbed = make('decoder.embed', [vocab, dim], embStd);
    this.decPos = make('decoder.position', [maxLen, dim], embStd);
    this.decNorm = norm('decoder.norm');
    for (let l = 0; l < this.config.decoderLayers; l++) {
      const p = `decoder.${l}`;
      this.decoder.push({
        self: attention(`${p}.self`),
        norm1: norm(`${p}.norm1`),
        cross: attention(`${p}.cross`),
        norm3: norm(`${p}.norm3`),
        ff1: linear(`${p}.ff1`, dim, 4 * dim),
        ff2: linear(`${p}.ff2`, 4 * dim, dim),
        norm2: norm(`${p}.norm2`),
      });
    }
    this.outBias = make('decoder.out.b', [vocab], 0);
  }

  get variables(): tf.Variable[] {
    return this.parameters.map((p) => p.variable);
  }

  get parameterCount(): number {
    return this.parameters.reduce((n, p) => n + p.variable.size, 0);
  }

  /** Encodes source ids [batch, srcLen] (PAD = 0 right-padded). */
  encode(src: tf.Tensor2D): Encoded {
    const [batch, length] = src.shape;
    this.checkLength(length, 'source');
    return tf.tidy(() => {
      const mask = tf.mul(tf.cast(tf.equal(src, PAD_ID), 'float32'), MASKED) as tf.Tensor2D;
      let x = this.embed(src, this.encEmbed, this.encPos); // [B*L, D]
      const pre = this.config.norm === 'pre';
      if (!pre) x = layerNorm(x, this.encNorm);
      for (const layer of this.encoder) {
        x = this.sublayer(x, layer.norm1, (h) => this.attend(layer.self, h, h, { batch, heads: this.config.heads, lq: length, lk: length, keyMask: mask }));
        x = this.sublayer(x, layer.norm2, (h) => feedForward(h, layer.ff1, layer.ff2));
      }
      if (pre) x = layerNorm(x, this.encNorm);
      return { memory: tf.reshape(x, [batch, length, this.config.dim]) as tf.Tensor3D, mask };
    });
  }

  /** Decoder hidden states [batch·tgtLen, dim] for decoder input ids [batch, tgtLen] (BOS first). */
  decodeHidden(encoded: Encoded, tgtIn: tf.Tensor2D): tf.Tensor2D {
    const [batch, length] = tgtIn.shape;
    this.checkLength(length, 'target');
    const srcLength = encoded.memory.shape[1];
    return tf.tidy(() => {
      const memory = tf.reshape(encoded.memory, [batch * srcLength, this.config.dim]) as tf.Tensor2D;
      let x = this.embed(tgtIn, this.decEmbed, this.decPos);
      const pre = this.config.norm === 'pre';
      if (!pre) x = layerNorm(x, this.decNorm);
      for (const layer of this.decoder) {
        const heads = this.config.heads;
        x = this.sublayer(x, layer.norm1, (h) => this.attend(layer.self, h, h, { batch, heads, lq: length, lk: length, causal: true }));
        x = this.sublayer(x, layer.norm3, (h) => this.attend(layer.cross, h, memory, { batch, heads, lq: length, lk: srcLength, keyMask: encoded.mask }));
        x = this.sublayer(x, layer.norm2, (h) => feedForward(h, layer.ff1, layer.ff2));
      }
      if (pre) x = layerNorm(x, this.decNorm);
      return x;
    });
  }

  /** Output projection with the shared decoder embedding: [n, dim] → logits [n, vocab]. */
  project(hidden: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => engineDense(hidden, this.decEmbed as tf.Tensor2D, this.outBias as tf.Tensor1D, { transposeW: true }));
  }

  /** Logits [batch, tgtLen, vocab] under teacher forcing. */
  forward(src: tf.Tensor2D, tgtIn: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const encoded = this.encode(src);
      const [batch, length] = tgtIn.shape;
      return tf.reshape(this.project(this.decodeHidden(encoded, tgtIn)), [batch, length, this.config.vocab]) as tf.Tensor3D;
    });
  }

  /** Log-probabilities [batch, vocab] of the token after the last position of `tgtIn`. */
  nextLogProbs(encoded: Encoded, tgtIn: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [batch, length] = tgtIn.shape;
      const hidden = tf.reshape(this.decodeHidden(encoded, tgtIn), [batch, length, this.config.dim]);
      const last = tf.reshape(tf.slice(hidden, [0, length - 1, 0], [batch, 1, this.config.dim]), [batch, this.config.dim]) as tf.Tensor2D;
      return tf.logSoftmax(this.project(last)) as tf.Tensor2D;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.parameters) p.variable.dispose();
  }

  private checkLength(length: number, side: string): void {
    if (length > this.config.maxLen) throw new RangeError(`${side} sequence of ${length} tokens is longer than the model's maxLen ${this.config.maxLen}`);
  }

  /** Token + position embeddings, flattened to [B*L, D] (the engine's fused op). */
  private embed(ids: tf.Tensor2D, table: tf.Variable, positions: tf.Variable): tf.Tensor2D {
    return embedding(ids, table as tf.Tensor2D, positions as tf.Tensor2D);
  }

  private sublayer(x: tf.Tensor2D, norm: Norm, fn: (h: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
    if (this.config.norm === 'pre') return tf.add(x, fn(layerNorm(x, norm)));
    return layerNorm(x, norm, fn(x));
  }

  /** Multi-head attention of queries [B*Lq, D] over keys/values [B*Lk, D] (the engine's fused op), projected. */
  private attend(p: Attention, xq: tf.Tensor2D, xkv: tf.Tensor2D, shape: Parameters<typeof attention>[3]): tf.Tensor2D {
    return dense(attention(dense(xq, p.q), dense(xkv, p.k), dense(xkv, p.v), shape), p.o);
  }
}

function dense(x: tf.Tensor2D, p: Linear, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  return engineDense(x, p.w as tf.Tensor2D, p.b as tf.Tensor1D, { activation });
}

function feedForward(x: tf.Tensor2D, ff1: Linear, ff2: Linear): tf.Tensor2D {
  return dense(dense(x, ff1, 'relu'), ff2);
}

/** LayerNorm of x (+ residual, in the same fused op). */
function layerNorm(x: tf.Tensor2D, p: Norm, residual?: tf.Tensor2D): tf.Tensor2D {
  return engineLayerNorm(x, p.g as tf.Tensor1D, p.b as tf.Tensor1D, residual == null ? { epsilon: LN_EPS } : { epsilon: LN_EPS, residual });
}

/** Right-pads id sequences with PAD into an int32 matrix [n, width]. */
export function padIds(sequences: readonly (readonly number[])[], width?: number, prefix?: number, suffix?: number): { data: Int32Array; width: number } {
  const extra = (prefix === undefined ? 0 : 1) + (suffix === undefined ? 0 : 1);
  const w = width ?? Math.max(1, ...sequences.map((s) => s.length + extra));
  const data = new Int32Array(sequences.length * w);
  sequences.forEach((s, i) => {
    let at = i * w;
    if (prefix !== undefined) data[at++] = prefix;
    for (const id of s) data[at++] = id;
    if (suffix !== undefined) data[at++] = suffix;
  });
  return { data, width: w };
}
