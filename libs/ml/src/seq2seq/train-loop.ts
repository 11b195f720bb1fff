/**
 * The training loop: teacher forcing, token cross-entropy ignoring PAD, Adam (β = 0.9/0.98 by default)
 * with linear warm-up then cosine decay, global-norm gradient clipping. Each step runs in one tf.tidy and
 * the Adam moments are variables made up front, so `tf.memory().numTensors` is flat from the first step.
 */
import type { Rng } from '@veriflow/step-api';
import { adamUpdate, maskedCrossEntropy, tf } from '../engine/index.js';
import { BOS_ID, EOS_ID } from './special-tokens.js';
import { padIds } from './transformer.js';
import type { Transformer } from './transformer.js';

export interface SequencePair {
  /** Source ids (no BOS/EOS). */
  readonly input: readonly number[];
  /** Target ids (no BOS/EOS): the decoder reads BOS + target and must write target + EOS. */
  readonly target: readonly number[];
}

export interface Batch {
  readonly size: number;
  readonly src: Int32Array;
  readonly srcLen: number;
  readonly tgtIn: Int32Array;
  readonly tgtOut: Int32Array;
  readonly tgtLen: number;
  /** Target tokens that count in the loss (not PAD). */
  readonly tokens: number;
}

export function makeBatch(pairs: readonly SequencePair[]): Batch {
  const src = padIds(pairs.map((p) => p.input));
  const tgtIn = padIds(pairs.map((p) => p.target), undefined, BOS_ID);
  const tgtOut = padIds(pairs.map((p) => p.target), tgtIn.width, undefined, EOS_ID);
  const tokens = pairs.reduce((n, p) => n + p.target.length + 1, 0);
  return { size: pairs.length, src: src.data, srcLen: src.width, tgtIn: tgtIn.data, tgtOut: tgtOut.data, tgtLen: tgtIn.width, tokens };
}

export interface OptimizerOptions {
  /** Peak learning rate. */
  readonly lr: number;
  /** Linear warm-up steps from lr/warmup to lr. */
  readonly warmup: number;
  /** Steps of the whole schedule: cosine decay from the end of warm-up to `minLrFraction`·lr here. */
  readonly totalSteps: number;
  readonly minLrFraction?: number;
  /** Global-norm clip; 0 or undefined: none. */
  readonly clip?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** The learning rate of (0-based) step `step`. */
export function learningRate(step: number, o: OptimizerOptions): number {
  const warmup = Math.max(0, Math.floor(o.warmup));
  if (step < warmup) return (o.lr * (step + 1)) / warmup;
  const span = Math.max(1, o.totalSteps - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  const floor = o.minLrFraction ?? 0;
  return o.lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

export interface StepResult {
  readonly step: number;
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly lr: number;
}

/** Adam state (first and second moments per parameter, in the model's parameter order) and the step count. */
export interface OptimizerState {
  readonly step: number;
  readonly m: readonly Float32Array[];
  readonly v: readonly Float32Array[];
}

/** Mean token cross-entropy of the batch (PAD targets ignored), as a scalar tensor. */
export function batchLoss(model: Transformer, src: tf.Tensor2D, tgtIn: tf.Tensor2D, tgtOut: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const [batch, length] = tgtIn.shape;
    const logits = tf.reshape(model.forward(src, tgtIn), [batch * length, model.config.vocab]) as tf.Tensor2D;
    return maskedCrossEntropy(logits, tgtOut, weights);
  });
}

export class Trainer {
  readonly options: Required<OptimizerOptions>;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private stepCount = 0;

  constructor(
    readonly model: Transformer,
    options: OptimizerOptions,
  ) {
    this.options = { minLrFraction: 0, clip: 0, beta1: 0.9, beta2: 0.98, epsilon: 1e-9, ...options };
    const zeros = (p: tf.Variable) => {
      const initial = tf.zerosLike(p);
      const variable = tf.variable(initial, false);
      initial.dispose();
      return variable;
    };
    this.m = model.variables.map(zeros);
    this.v = model.variables.map(zeros);
  }

  /** Steps taken so far (restored from a checkpoint on resume). */
  get step(): number {
    return this.stepCount;
  }

  /**
   * One optimisation step on a batch; returns the loss before the update. The loss (and, off wasm, the gradient
   * norm) is read once the update is queued, asynchronously: WebGPU cannot read a tensor synchronously under Node.
   */
  async trainStep(batch: Batch): Promise<StepResult> {
    const step = this.stepCount;
    const lr = learningRate(step, this.options);
    const { beta1, beta2, epsilon, clip } = this.options;
    const t = step + 1;
    const stepSize = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    const params = this.model.variables;
    // Forward and backward in one tidy that returns only the loss and the gradients: everything else (saved
    // activations included) is freed before the update, which on wasm writes the parameters in place.
    const { loss, gradients } = tf.tidy(() => {
      const src = tf.tensor2d(batch.src, [batch.size, batch.srcLen], 'int32');
      const tgtIn = tf.tensor2d(batch.tgtIn, [batch.size, batch.tgtLen], 'int32');
      const tgtOut = tf.tensor1d(batch.tgtOut, 'int32');
      const weights = tf.cast(tf.notEqual(tgtOut, 0), 'float32') as tf.Tensor1D;
      const { value, grads } = tf.variableGrads(() => batchLoss(this.model, src, tgtIn, tgtOut, weights), params);
      return {
        loss: value,
        gradients: params.map((p) => {
          const g = grads[p.name];
          if (g === undefined) throw new Error(`no gradient for parameter ${p.name}`);
          return g;
        }),
      };
    });
    let norm: number | tf.Scalar;
    try {
      norm = adamUpdate({ params, grads: gradients, m: this.m, v: this.v }, { beta1, beta2, epsilon, stepSize, clip });
    } finally {
      tf.dispose(gradients);
    }
    this.stepCount++;
    try {
      const [value, gradNorm] = await Promise.all([readScalar(loss), typeof norm === 'number' ? norm : readScalar(norm)]);
      return { step, loss: value, gradNorm, lr };
    } finally {
      tf.dispose(typeof norm === 'number' ? [loss] : [loss, norm]);
    }
  }

  /** A copy of the Adam moments (read asynchronously, see trainStep). */
  async state(): Promise<OptimizerState> {
    const read = (xs: readonly tf.Variable[]) => Promise.all(xs.map(async (x) => (await x.data()) as Float32Array));
    const [m, v] = await Promise.all([read(this.m), read(this.v)]);
    return { step: this.stepCount, m, v };
  }

  restore(state: OptimizerState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) throw new Error(`optimizer state has ${state.m.length} moments for ${this.m.length} parameters`);
    const set = (target: tf.Variable, data: Float32Array) => {
      if (data.length !== target.size) throw new Error(`optimizer state: ${data.length} values for a parameter of ${target.size}`);
      tf.tidy(() => target.assign(tf.tensor(data, target.shape, 'float32')));
    };
    state.m.forEach((data, i) => set(this.m[i]!, data));
    state.v.forEach((data, i) => set(this.v[i]!, data));
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

async function readScalar(x: tf.Tensor): Promise<number> {
  return ((await x.data()) as Float32Array)[0]!;
}

/** Endless shuffled batches: each epoch a fresh permutation from `rng`; the last, short batch of an epoch is kept. */
export function* shuffledBatches(pairs: readonly SequencePair[], batchSize: number, rng: Rng): Generator<Batch> {
  if (pairs.length === 0) throw new Error('no training pairs');
  const order = pairs.map((_, i) => i);
  for (;;) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let at = 0; at < order.length; at += batchSize) yield makeBatch(order.slice(at, at + batchSize).map((k) => pairs[k]!));
  }
}

export interface TrainLoopOptions extends OptimizerOptions {
  readonly batchSize: number;
  /** Shuffles the pairs. */
  readonly rng: Rng;
  readonly signal?: AbortSignal;
  /** Called after every step (log, validate, checkpoint); may be async. */
  readonly onStep?: (result: StepResult, trainer: Trainer) => void | Promise<void>;
  /** Continue from this optimizer state (and step). */
  readonly resume?: OptimizerState;
}

export interface TrainLoopResult {
  readonly losses: number[];
  readonly steps: number;
  readonly samples: number;
  readonly seconds: number;
  readonly trainer: Trainer;
}

/**
 * Trains `model` up to `totalSteps` steps (from the resumed step, if any). Checks `signal` between steps
 * (yielding to the event loop so an abort can arrive) and throws its reason. The returned trainer holds
 * the optimizer state: dispose it when done.
 */
export async function trainLoop(model: Transformer, pairs: readonly SequencePair[], options: TrainLoopOptions): Promise<TrainLoopResult> {
  const trainer = new Trainer(model, options);
  try {
    if (options.resume) trainer.restore(options.resume);
    const batches = shuffledBatches(pairs, options.batchSize, options.rng);
    // A resumed run skips the batches it has seen, so the data order matches an uninterrupted run.
    for (let i = 0; i < trainer.step; i++) batches.next();
    const losses: number[] = [];
    let samples = 0;
    const started = performance.now();
    while (trainer.step < options.totalSteps) {
      await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      const batch = batches.next().value as Batch;
      const result = await trainer.trainStep(batch);
      samples += batch.size;
      losses.push(result.loss);
      if (options.onStep) await options.onStep(result, trainer);
    }
    return { losses, steps: losses.length, samples, seconds: (performance.now() - started) / 1000, trainer };
  } catch (error) {
    trainer.dispose();
    throw error;
  }
}
