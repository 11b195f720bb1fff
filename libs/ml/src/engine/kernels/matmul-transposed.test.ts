import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../index.js';
import { assertClose, onBackend, randomValues, referenceAccelerator } from '../test-helpers.js';
import type { GemmProblem } from './matmul-transposed.js';
import { broadcastBatchIndex, matMulStats, setGemmAccelerator, setMatMulFastPath } from './matmul-transposed.js';

before(async () => {
  // These tests are about our wasm kernels: OpenBLAS (native-blas.test.ts) stays out of the way.
  const engine = await initEngine({ device: 'cpu', native: false, blas: false });
  assert.equal(engine.name, 'wasm');
});

afterEach(() => {
  setGemmAccelerator(null);
  setMatMulFastPath(true);
});

interface Case {
  a: number[];
  b: number[];
  ta: boolean;
  tb: boolean;
}

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

async function compare(c: Case, seed: number): Promise<void> {
  const av = randomValues(size(c.a), seed);
  const bv = randomValues(size(c.b), seed + 1);
  const run = () => tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.ta, c.tb);
  const wasm = await onBackend('wasm', run);
  const cpu = await onBackend('cpu', run);
  assertClose(wasm, cpu, 1e-4, `matMul ${JSON.stringify(c)}`);
}

describe('BatchMatMul on wasm', () => {
  it('matches the cpu backend for every transpose combination, 2-D and batched', async () => {
    const cases: Case[] = [];
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const [m, k, n] = [37, 29, 41];
        cases.push({ a: ta ? [k, m] : [m, k], b: tb ? [n, k] : [k, n], ta, tb });
        cases.push({ a: ta ? [5, k, m] : [5, m, k], b: tb ? [5, n, k] : [5, k, n], ta, tb });
        // rank-3 × rank-2 (b broadcast), rank-2 × rank-3 (a broadcast)
        cases.push({ a: ta ? [3, k, m] : [3, m, k], b: tb ? [n, k] : [k, n], ta, tb });
        cases.push({ a: ta ? [k, m] : [m, k], b: tb ? [4, n, k] : [4, k, n], ta, tb });
      }
    }
    // Degenerate dims (size-1 dims among the transposed ones need no transpose).
    cases.push({ a: [5, 1], b: [1, 5], ta: false, tb: false });
    cases.push({ a: [1, 5], b: [1, 5], ta: true, tb: false });
    cases.push({ a: [5, 1], b: [5, 1], ta: false, tb: true });
    cases.push({ a: [1, 7], b: [7, 1], ta: false, tb: false });
    cases.push({ a: [2, 3, 1, 8], b: [2, 3, 8, 4], ta: false, tb: false });
    matMulStats(true);
    let seed = 10;
    for (const c of cases) await compare(c, (seed += 2));
    const stats = matMulStats();
    assert.equal(stats.stock, 0, 'no product fell back to the stock kernel');
    assert.ok(stats.xnnSingle > 0 && stats.xnnSliced > 0 && stats.transposes > 0, JSON.stringify(stats));
  });

  it('matches the cpu backend on transformer-sized products (1e-4 relative)', async () => {
    await compare({ a: [128, 256], b: [256, 1024], ta: false, tb: false }, 100);
    await compare({ a: [128, 1024], b: [256, 1024], ta: false, tb: true }, 102);
    await compare({ a: [128, 256], b: [128, 1024], ta: true, tb: false }, 104);
    await compare({ a: [8, 64, 64], b: [8, 64, 64], ta: false, tb: true }, 106);
    await compare({ a: [8, 64, 64], b: [8, 64, 64], ta: true, tb: false }, 108);
  });

  it('broadcasts batch dims properly (where the cpu backend indexes modulo)', async () => {
    const a = randomValues(2 * 5 * 3, 1);
    const b = randomValues(3 * 3 * 4, 2);
    const wasm = await onBackend('wasm', () => tf.matMul(tf.tensor(a, [2, 1, 5, 3]), tf.tensor(b, [1, 3, 3, 4])));
    const tiled = await onBackend('cpu', () =>
      tf.matMul(tf.tile(tf.tensor(a, [2, 1, 5, 3]), [1, 3, 1, 1]), tf.tile(tf.tensor(b, [1, 3, 3, 4]), [2, 1, 1, 1])),
    );
    assertClose(wasm, tiled, 1e-5, 'broadcast matMul');
    assert.deepEqual([...broadcastBatchIndex([2, 1], [2, 3])], [0, 0, 0, 1, 1, 1]);
    assert.deepEqual([...broadcastBatchIndex([3], [2, 3])], [0, 1, 2, 0, 1, 2]);
  });

  it('gives matMul gradients equal to the cpu backend, for every transpose and shared weights', async () => {
    const grads = (a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean) => {
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a, b]);
      return tf.concat([tf.reshape(ga as tf.Tensor, [-1]), tf.reshape(gb as tf.Tensor, [-1])]);
    };
    const [bt, m, k, n] = [6, 20, 12, 9];
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const aShape = ta ? [bt, k, m] : [bt, m, k];
        const bShape = tb ? [n, k] : [k, n];
        const av = randomValues(size(aShape), 3);
        const bv = randomValues(size(bShape), 4);
        // x[B,T,D]·w[D,F]: the gradient of w must sum over B (tfjs-core 4.22's does not; ours does).
        const shared = () => grads(tf.tensor(av, aShape), tf.tensor(bv, bShape), ta, tb);
        assertClose(await onBackend('wasm', shared), await onBackend('cpu', shared), 1e-4, `shared ${ta} ${tb}`);
        // Reference: the same with the batch explicitly tiled onto b and the b gradient summed by hand.
        if (!ta) {
          const reference = () => {
            const a = tf.tensor(av, aShape);
            const b = tf.tensor(bv, bShape);
            const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
              tf.sum(tf.square(tf.matMul(x, tf.tile(tf.expandDims(y, 0), [bt, 1, 1]), ta, tb))),
            )([a, b]);
            return tf.concat([tf.reshape(ga as tf.Tensor, [-1]), tf.reshape(gb as tf.Tensor, [-1])]);
          };
          assertClose(await onBackend('wasm', shared), await onBackend('cpu', reference), 1e-4, `tiled ${ta} ${tb}`);
        }
      }
    }
    const av = randomValues(4 * 5 * 6, 5);
    const bv = randomValues(4 * 6 * 7, 6);
    const batched = () => grads(tf.tensor(av, [4, 5, 6]), tf.tensor(bv, [4, 6, 7]), false, false);
    assertClose(await onBackend('wasm', batched), await onBackend('cpu', batched), 1e-4, 'batched');
  });

  it('is immune to the stock XNNPACK operator cache keyed by tensor id (reshape keeps the id)', async () => {
    const w = randomValues(4 * 6, 5);
    const x = randomValues(3 * 4, 6);
    const y = randomValues(3 * 6, 7);
    const run = () => {
      const W = tf.tensor(w, [4, 6]);
      tf.matMul(tf.tensor(x, [3, 4]), W); // would cache a 4→6 operator under W's id in the stock kernel
      return tf.matMul(tf.tensor(y, [3, 6]), tf.reshape(W, [6, 4]));
    };
    assertClose(await onBackend('wasm', run), await onBackend('cpu', run), 1e-5, 'reshaped weights');
  });

  it('fused matMul (bias + relu) with transposes matches the cpu backend', async () => {
    const av = randomValues(2 * 16 * 10, 8);
    const bv = randomValues(12 * 16, 9);
    const bias = randomValues(12, 10);
    const run = () =>
      tf.fused.matMul({
        a: tf.tensor(av, [2, 16, 10]),
        b: tf.tensor(bv, [12, 16]),
        transposeA: true,
        transposeB: true,
        bias: tf.tensor1d(bias),
        activation: 'relu',
      });
    assertClose(await onBackend('wasm', run), await onBackend('cpu', run), 1e-4, 'fused matMul');
  });

  it('hands products to a GemmAccelerator when it accepts them', async () => {
    const seen: GemmProblem[] = [];
    const reference = referenceAccelerator(seen, 8);
    setGemmAccelerator(reference);
    matMulStats(true);
    await compare({ a: [3, 8, 9], b: [8, 5], ta: true, tb: false }, 40);
    await compare({ a: [4, 3], b: [5, 3], ta: false, tb: true }, 42); // k = 3: declined
    assert.equal(seen.length, 1);
    assert.deepEqual({ ...matMulStats(), transposes: 0 }, { xnnSingle: 1, xnnSliced: 0, accelerator: 1, stock: 0, transposes: 0 });
  });

  it('runs fused products on the accelerator with bias and relu applied after, and falls back for the rest', async () => {
    const seen: GemmProblem[] = [];
    setGemmAccelerator(referenceAccelerator(seen));
    matMulStats(true);
    const av = randomValues(2 * 6 * 5, 60);
    const bv = randomValues(5 * 4, 61);
    const cases: { bias?: number[]; biasShape?: number[]; activation?: 'linear' | 'relu' | 'elu'; viaAccelerator: boolean }[] = [
      { viaAccelerator: true },
      { bias: [0.5, -0.5, 1, -1], biasShape: [4], activation: 'relu', viaAccelerator: true },
      { bias: [0.5, -0.5, 1, -1], biasShape: [1, 4], activation: 'linear', viaAccelerator: true },
      { bias: [0.3], biasShape: [1], activation: 'relu', viaAccelerator: false }, // broadcast scalar bias: stock
      { activation: 'elu', viaAccelerator: false },
    ];
    for (const c of cases) {
      const before = seen.length;
      const run = () =>
        tf.fused.matMul({
          a: tf.tensor(av, [2, 6, 5]),
          b: tf.tensor(bv, [5, 4]),
          ...(c.bias ? { bias: tf.tensor(c.bias, c.biasShape) } : {}),
          ...(c.activation ? { activation: c.activation } : {}),
        });
      assertClose(await onBackend('wasm', run), await onBackend('cpu', run), 1e-4, `fused ${JSON.stringify(c)}`);
      assert.equal(seen.length - before, c.viaAccelerator ? 1 : 0, `accelerator used for ${JSON.stringify(c)}`);
    }
  });

  it('can be switched off (stock kernel) and gives the same results', async () => {
    setMatMulFastPath(false);
    matMulStats(true);
    await compare({ a: [20, 16], b: [24, 16], ta: false, tb: true }, 50);
    assert.equal(matMulStats().stock, 1);
  });
});
