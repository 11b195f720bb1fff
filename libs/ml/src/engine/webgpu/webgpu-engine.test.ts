// The WebGPU engine against the CPU engine: a small transformer block built from every fused op (embedding,
// LayerNorm, attention, dense, cross-entropy), its loss and gradients, and device memory over training steps.
// It runs wherever Dawn finds an adapter: an NVIDIA GPU, or Mesa 25's lavapipe on CPU machines (.ci/run
// installs it), and is skipped with the diagnosis elsewhere. VERIFLOW_REQUIRE_GPU=1 (the GPU device check)
// demands a hardware adapter and fails instead of skipping.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import * as tf from '@tensorflow/tfjs-core';
import type { EngineDecision } from '../index.js';
import { adamUpdate, attention, dense, embedding, initEngine, layerNorm, maskedCrossEntropy } from '../index.js';
import { probeAdapter } from './dawn.js';
import { describeMissing, diagnoseGpu } from './diagnosis.js';
import { probeHost } from './host-probes.js';

const requireGpu = process.env['VERIFLOW_REQUIRE_GPU'] === '1';
const { fact } = await probeAdapter();

function skipReason(): string | false {
  const usable = fact.kind === 'hardware' || (fact.kind === 'software' && !requireGpu);
  if (usable) return false;
  const reason = `no WebGPU adapter${requireGpu ? ' on hardware' : ''}: ${describeMissing(diagnoseGpu(probeHost(), fact)).join(' | ')}`;
  if (requireGpu) throw new Error(`VERIFLOW_REQUIRE_GPU=1, but ${reason}`);
  return reason;
}

const skip = skipReason();

const VOCAB = 23;
const DIM = 16;
const HEADS = 2;
const BATCH = 3;
const LENGTH = 5;

interface Inputs {
  readonly ids: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float32Array;
  readonly params: Record<string, { values: Float32Array; shape: number[] }>;
}

function makeInputs(seed: number): Inputs {
  const rng = createRng(seed);
  const normal = (shape: number[], scale: number) => ({ values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape });
  const rows = BATCH * LENGTH;
  return {
    ids: Int32Array.from({ length: rows }, () => Math.floor(rng.uniform() * VOCAB)),
    targets: Int32Array.from({ length: rows }, () => Math.floor(rng.uniform() * VOCAB)),
    weights: Float32Array.from({ length: rows }, (_, i) => (i % LENGTH === LENGTH - 1 ? 0 : 1)),
    params: {
      table: normal([VOCAB, DIM], 0.5),
      positions: normal([LENGTH, DIM], 0.1),
      gamma: { values: new Float32Array(DIM).fill(1), shape: [DIM] },
      beta: normal([DIM], 0.1),
      wq: normal([DIM, DIM], 0.3),
      wk: normal([DIM, DIM], 0.3),
      wv: normal([DIM, DIM], 0.3),
      w1: normal([DIM, 2 * DIM], 0.3),
      b1: normal([2 * DIM], 0.1),
      w2: normal([2 * DIM, DIM], 0.3),
      b2: normal([DIM], 0.1),
      bOut: normal([VOCAB], 0.1),
    },
  };
}

type Params = Record<string, tf.Tensor>;

/** The block's loss: every fused op once, the output projection tied to the embedding table. */
function loss(p: Params, ids: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  const at = (name: string) => p[name] as tf.Tensor2D;
  const x = embedding(ids, at('table'), at('positions'));
  const h = layerNorm(x, p['gamma'] as tf.Tensor1D, p['beta'] as tf.Tensor1D);
  const zero = tf.zeros([DIM]) as tf.Tensor1D;
  const q = dense(h, at('wq'), zero);
  const k = dense(h, at('wk'), zero);
  const v = dense(h, at('wv'), zero);
  const a = attention(q, k, v, { batch: BATCH, heads: HEADS, lq: LENGTH, lk: LENGTH, causal: true });
  const f = dense(dense(layerNorm(a, p['gamma'] as tf.Tensor1D, p['beta'] as tf.Tensor1D, { residual: x }), at('w1'), p['b1'] as tf.Tensor1D, { activation: 'relu' }), at('w2'), p['b2'] as tf.Tensor1D);
  const logits = dense(f, at('table'), p['bOut'] as tf.Tensor1D, { transposeW: true });
  return maskedCrossEntropy(logits, targets, weights);
}

interface Result {
  readonly loss: number;
  readonly grads: Record<string, Float32Array>;
}

/** Loss and gradients on the engine `init` selects; inputs are created there, results copied out. */
async function lossAndGrads(inputs: Inputs): Promise<Result> {
  const names = Object.keys(inputs.params);
  const params: Params = Object.fromEntries(names.map((name) => [name, tf.tensor(inputs.params[name]!.values, inputs.params[name]!.shape)]));
  const ids = tf.tensor2d(inputs.ids, [BATCH, LENGTH], 'int32');
  const targets = tf.tensor1d(inputs.targets, 'int32');
  const weights = tf.tensor1d(inputs.weights);
  try {
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => loss(Object.fromEntries(names.map((name, i) => [name, xs[i]!])), ids, targets, weights))(names.map((name) => params[name]!));
    const out: Result = { loss: (await value.data())[0]!, grads: Object.fromEntries(await Promise.all(names.map(async (name, i) => [name, Float32Array.from(await grads[i]!.data())] as const))) };
    tf.dispose([value, ...grads]);
    return out;
  } finally {
    tf.dispose([...Object.values(params), ids, targets, weights]);
  }
}

function assertClose(got: Float32Array, want: Float32Array, tolerance: number, what: string): void {
  let scale = 1;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i]! - want[i]!);
    if (!(diff <= tolerance * scale)) assert.fail(`${what}[${i}]: webgpu ${got[i]} vs cpu engine ${want[i]} (|Δ| ${diff}, scale ${scale})`);
  }
}

describe('the WebGPU engine', { skip }, () => {
  let webgpu: EngineDecision;
  let cpuEngine: Result;
  const inputs = makeInputs(11);

  before(async () => {
    const cpu = await initEngine({ device: 'cpu', native: false });
    cpuEngine = await lossAndGrads(inputs);
    assert.equal(cpu.name, 'wasm');
    webgpu = await initEngine({ device: 'gpu', softwareAdapter: !requireGpu, native: false });
  });

  it('is selected for device gpu, labelled webgpu, and runs the fused ops op by op', () => {
    assert.equal(webgpu.name, 'webgpu');
    assert.equal(webgpu.label, 'webgpu');
    assert.equal(tf.getBackend(), 'webgpu');
    assert.equal(webgpu.fused.used, false);
    assert.match(webgpu.fused.reason, /op-by-op/);
    assert.ok(webgpu.webgpu?.adapter, 'the adapter is recorded');
  });

  it('agrees with the CPU engine (op-by-op and fused forms) on the loss and every gradient, within float32 tolerance', async () => {
    const got = await lossAndGrads(inputs);
    assert.ok(Math.abs(got.loss - cpuEngine.loss) <= 1e-4 * Math.max(1, Math.abs(cpuEngine.loss)), `loss: webgpu ${got.loss} vs cpu engine ${cpuEngine.loss}`);
    for (const [name, want] of Object.entries(cpuEngine.grads)) assertClose(got.grads[name]!, want, 1e-3, `d loss / d ${name}`);
  });

  it('runs clipped Adam over more gradients than one shader can bind (lavapipe: 8), with the CPU engine\'s norm and update', async () => {
    // addN over every gradient made Dawn reject the step's command buffer: norm 0 and the update dropped.
    const sizes = Array.from({ length: 12 }, (_, i) => 3 + i);
    const values = sizes.map((size, i) => Float32Array.from({ length: size }, (_, j) => Math.sin(1 + 7 * i + j)));
    const grads = values.map((g) => Float32Array.from(g, (x) => 2 * x));
    const step = { beta1: 0.9, beta2: 0.98, epsilon: 1e-9, stepSize: 0.01, clip: 1 };
    const params = values.map((p) => tf.variable(tf.tensor1d(p)));
    const zeros = () => sizes.map((size) => tf.variable(tf.zeros([size])));
    const [m, v] = [zeros(), zeros()];
    const gradTensors = grads.map((g) => tf.tensor1d(g));
    try {
      const norm = adamUpdate({ params, grads: gradTensors, m, v }, step);
      const got = typeof norm === 'number' ? norm : (await norm.data())[0]!;
      if (typeof norm !== 'number') norm.dispose();
      const want = Math.sqrt(grads.reduce((sum, g) => sum + g.reduce((s, x) => s + x * x, 0), 0));
      assert.ok(Math.abs(got - want) <= 1e-5 * want, `gradient norm: webgpu ${got} vs ${want}`);
      const scale = step.clip / Math.max(want, step.clip);
      for (const [i, p] of params.entries()) {
        const expected = Float32Array.from(values[i]!, (x, j) => {
          const g = grads[i]![j]! * scale;
          return x - (step.stepSize * (1 - step.beta1) * g) / (Math.sqrt((1 - step.beta2) * g * g) + step.epsilon);
        });
        assertClose((await p.data()) as Float32Array, expected, 1e-5, `parameter ${i} after the update`);
      }
    } finally {
      tf.dispose([...params, ...m, ...v, ...gradTensors]);
    }
  });

  it('keeps device memory flat across training steps', async () => {
    const names = Object.keys(inputs.params);
    const vars = names.map((name) => tf.variable(tf.tensor(inputs.params[name]!.values, inputs.params[name]!.shape), true, `webgpu-leak-${name}`));
    const ids = tf.tensor2d(inputs.ids, [BATCH, LENGTH], 'int32');
    const targets = tf.tensor1d(inputs.targets, 'int32');
    const weights = tf.tensor1d(inputs.weights);
    const optimizerStep = async () => {
      const { value, grads } = tf.variableGrads(() => loss(Object.fromEntries(names.map((name, i) => [name, vars[i]!])), ids, targets, weights), vars);
      tf.tidy(() => names.forEach((_, i) => vars[i]!.assign(tf.sub(vars[i]!, tf.mul(grads[vars[i]!.name]!, 0.05)))));
      const lossValue = (await value.data())[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return lossValue;
    };
    try {
      const first = await optimizerStep();
      const after = tf.memory();
      let last = first;
      for (let step = 0; step < 8; step++) last = await optimizerStep();
      const now = tf.memory();
      assert.equal(now.numTensors, after.numTensors, 'tensors after 8 more steps');
      assert.equal(now.numBytes, after.numBytes, 'bytes after 8 more steps');
      assert.ok(last < first, `training lowers the loss (${first} → ${last})`);
    } finally {
      tf.dispose([...vars, ids, targets, weights]);
    }
  });
});
