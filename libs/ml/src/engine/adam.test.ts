import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from './adam.js';
import type { AdamStep } from './adam.js';
import { initEngine, setMatMulFastPath } from './index.js';
import { randomValues } from './test-helpers.js';

before(async () => {
  await initEngine({ device: 'cpu', native: false });
});

const SHAPES = [[7, 5], [5], [3, 2, 4]];

/** Runs `steps` clipped Adam updates from fixed values on `backend`; returns the final params, m, v and norms. */
async function run(backend: 'wasm' | 'cpu', step: AdamStep, steps = 3) {
  assert.ok(await tf.setBackend(backend));
  // A variable shares its initial tensor's memory until that tensor is disposed (hence tidy).
  const params = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(randomValues(s.reduce((a, b) => a * b), 10 + i), s), true, `p${backend}${i}${Math.random()}`)));
  const m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  const v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  const dataIds = params.map((p) => p.dataId);
  const norms: number[] = [];
  for (let k = 0; k < steps; k++) {
    const grads = SHAPES.map((s, i) => tf.tensor(randomValues(s.reduce((a, b) => a * b), 100 * k + i), s).mul(3));
    const norm = adamUpdate({ params, grads, m, v }, step);
    // Off wasm the norm comes back as a tensor, read after the update (see adamUpdate).
    assert.equal(typeof norm === 'number', backend === 'wasm', `norm as ${typeof norm} on ${backend}`);
    norms.push(typeof norm === 'number' ? norm : (await norm.data())[0]!);
    tf.dispose(typeof norm === 'number' ? grads : [...grads, norm]);
  }
  const read = (xs: tf.Variable[]) => xs.map((x) => Array.from(x.dataSync()));
  const result = { params: read(params), m: read(m), v: read(v), norms, inPlace: params.every((p, i) => p.dataId === dataIds[i]) };
  tf.dispose([...params, ...m, ...v]);
  return result;
}

function close(a: number[][], b: number[][], tol: number, what: string): void {
  a.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(x - b[i]![j]!) <= tol * Math.max(1, Math.abs(b[i]![j]!)), `${what}[${i}][${j}]: ${x} vs ${b[i]![j]}`)));
}

describe('adamUpdate', () => {
  const step: AdamStep = { beta1: 0.9, beta2: 0.98, epsilon: 1e-9, stepSize: 0.01, clip: 1 };

  it('updates in place on wasm and agrees with the tfjs-ops path (cpu backend), clipping included', async () => {
    const wasm = await run('wasm', step);
    const cpu = await run('cpu', step);
    assert.equal(wasm.inPlace, true, 'wasm path writes the variables in place');
    assert.equal(cpu.inPlace, false, 'the ops path assigns new tensors');
    wasm.norms.forEach((n, k) => assert.ok(Math.abs(n - cpu.norms[k]!) < 1e-4 * cpu.norms[k]!, `norm ${k}: ${n} vs ${cpu.norms[k]}`));
    assert.ok(wasm.norms.every((n) => n > step.clip), 'the gradients are large enough for the clip to act');
    close(wasm.params, cpu.params, 1e-5, 'params');
    close(wasm.m, cpu.m, 1e-5, 'm');
    close(wasm.v, cpu.v, 1e-5, 'v');
  });

  it('agrees in its two in-place forms: the native addon loop and the JavaScript loop', async () => {
    const native = await initEngine({ device: 'cpu', native: false });
    if (!native.fused.used) return; // without the addon only the JavaScript loop exists (covered above)
    const withAddon = await run('wasm', step);
    await initEngine({ device: 'cpu', native: false, fused: false });
    try {
      const withJs = await run('wasm', step);
      assert.equal(withJs.inPlace, true);
      close(withAddon.params, withJs.params, 1e-6, 'params');
      close(withAddon.m, withJs.m, 1e-6, 'm');
      close(withAddon.v, withJs.v, 1e-6, 'v');
    } finally {
      await initEngine({ device: 'cpu', native: false });
    }
  });

  it('moves a parameter by about stepSize on the first step (Adam normalises the gradient)', async () => {
    const before = await run('wasm', { ...step, clip: 0 }, 0);
    const after = await run('wasm', { ...step, clip: 0, beta1: 0, beta2: 0 }, 1);
    // With β = 0: m = g, v = g², so each coordinate moves by stepSize · sign(g).
    after.params.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(Math.abs(x - before.params[i]![j]!) - 0.01) < 1e-6, `moved ${x - before.params[i]![j]!}`)));
  });

  it('does not write in place when another tensor shares a parameter\'s memory', async () => {
    assert.ok(await tf.setBackend('wasm'));
    const p = tf.tidy(() => tf.variable(tf.tensor([1, 2, 3]), true, `shared${Math.random()}`));
    const alias = p.clone(); // shares the data (zero-copy Identity)
    const m = tf.tidy(() => tf.variable(tf.zeros([3]), false));
    const v = tf.tidy(() => tf.variable(tf.zeros([3]), false));
    const g = tf.tensor([1, 1, 1]);
    adamUpdate({ params: [p], grads: [g], m: [m], v: [v] }, { ...step, clip: 0 });
    assert.deepEqual(Array.from(alias.dataSync()), [1, 2, 3], 'the clone keeps its values');
    // m = 0.1, v = 0.02: the step is 0.01 · 0.1 / √0.02.
    assert.ok(Math.abs(p.dataSync()[0]! - (1 - (0.01 * 0.1) / Math.sqrt(0.02))) < 1e-6, `p[0] = ${p.dataSync()[0]}`);
    tf.dispose([p, alias, m, v, g]);
  });

  it('makes the stock kernels forget operators packed from the old values (they cache by tensor id)', async () => {
    assert.ok(await tf.setBackend('wasm'));
    setMatMulFastPath(false); // the stock wasm matMul caches XNNPACK operators under b's id
    try {
      const x = tf.tensor2d(randomValues(4 * 3, 5), [4, 3]);
      const p = tf.tidy(() => tf.variable(tf.tensor2d(randomValues(3 * 2, 6), [3, 2]), true, `cached${Math.random()}`));
      const m = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      const v = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      tf.matMul(x, p).dispose(); // packs p
      const g = tf.ones([3, 2]);
      adamUpdate({ params: [p], grads: [g], m: [m], v: [v] }, { ...step, clip: 0, stepSize: 0.5 });
      const got = Array.from(tf.matMul(x, p).dataSync());
      const pValues = p.dataSync();
      const xValues = x.dataSync();
      const want = [0, 1, 2, 3].flatMap((r) => [0, 1].map((c) => [0, 1, 2].reduce((sum, k) => sum + xValues[r * 3 + k]! * pValues[k * 2 + c]!, 0)));
      got.forEach((value, i) => assert.ok(Math.abs(value - want[i]!) < 1e-5, `out[${i}] = ${value}, want ${want[i]} (stale packed weights?)`));
      tf.dispose([x, p, m, v, g]);
    } finally {
      setMatMulFastPath(true);
    }
  });

  it('rejects mismatched lists with the counts', () => {
    assert.throws(() => adamUpdate({ params: [], grads: [tf.scalar(1)], m: [], v: [] }, step), /0 params, 1 grads/);
  });
});
