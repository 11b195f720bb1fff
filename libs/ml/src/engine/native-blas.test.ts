import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from './index.js';
import { matMulStats, setGemmAccelerator } from './kernels/matmul-transposed.js';
import { ADDON_PATH } from './native-addon.js';
import { blasThreads, loadNativeBlas } from './native-blas.js';
import { assertClose, nativeSkip, onBackend, randomValues } from './test-helpers.js';

// `npm test` builds the addon when a C compiler is present, and .ci/run installs OpenBLAS, so in CI these run.
// Elsewhere the skip says what is missing.
const native = loadNativeBlas();
const skip = nativeSkip(native.ok ? false : `native OpenBLAS unavailable: ${native.reason}`);

after(() => setGemmAccelerator(null));

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

describe('OpenBLAS matmuls for the wasm engine', { skip }, () => {
  it('is chosen by initEngine and named in the decision', async () => {
    const engine = await initEngine({ device: 'cpu', native: false });
    assert.equal(engine.name, 'wasm');
    assert.equal(engine.label, 'wasm+openblas+fused');
    assert.equal(engine.blas.used, true);
    // The thread count is whatever this process's VERIFLOW_BLAS_THREADS asks for (1 when unset).
    const threads = blasThreads();
    assert.equal(engine.blas.threads, threads);
    assert.match(engine.detail, new RegExp(`^wasm\\+OpenBLAS \\([^,]*lib(scipy_)?openblas[^,]*, \\w+ kernels, ${threads} threads?\\)`));
    // Our machines need a modern core type picked for OpenBLAS (its own detection falls back to old kernels).
    assert.notEqual(engine.blas.corename?.toLowerCase(), 'prescott');
  });

  it('matches the cpu backend for every transpose and broadcast combination', async () => {
    await initEngine({ device: 'cpu', native: false });
    matMulStats(true);
    const [m, k, n] = [37, 29, 41];
    let seed = 100;
    let products = 0;
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const shapes: [number[], number[]][] = [
          [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]],
          [ta ? [5, k, m] : [5, m, k], tb ? [5, n, k] : [5, k, n]],
          [ta ? [3, k, m] : [3, m, k], tb ? [n, k] : [k, n]],
          [ta ? [k, m] : [m, k], tb ? [4, n, k] : [4, k, n]],
        ];
        for (const [as, bs] of shapes) {
          const av = randomValues(size(as), (seed += 2));
          const bv = randomValues(size(bs), seed + 1);
          const run = () => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb);
          const blas = await onBackend('wasm', run);
          assertClose(blas, await onBackend('cpu', run), 1e-4, `matMul ${JSON.stringify({ as, bs, ta, tb })}`);
          products++;
        }
      }
    }
    assert.equal(matMulStats().accelerator, products, 'every product went to OpenBLAS');
  });

  it('runs fused products (bias, relu) on OpenBLAS and matches the cpu backend', async () => {
    await initEngine({ device: 'cpu', native: false });
    matMulStats(true);
    const av = randomValues(3 * 12 * 10, 21);
    const bv = randomValues(16 * 12, 22);
    const bias = randomValues(16, 23);
    for (const activation of ['linear', 'relu'] as const) {
      const run = () =>
        tf.fused.matMul({ a: tf.tensor(av, [3, 12, 10]), b: tf.tensor(bv, [16, 12]), transposeA: true, transposeB: true, bias: tf.tensor1d(bias), activation });
      assertClose(await onBackend('wasm', run), await onBackend('cpu', run), 1e-4, `fused matMul, ${activation}`);
    }
    assert.equal(matMulStats().accelerator, 2);
  });

  it('broadcasts batch dims like numpy (where the tfjs cpu backend does not)', async () => {
    await initEngine({ device: 'cpu', native: false });
    const av = randomValues(2 * 1 * 3 * 4, 3);
    const bv = randomValues(3 * 4 * 5, 4);
    const got = await onBackend('wasm', () => tf.matMul(tf.tensor(av, [2, 1, 3, 4]), tf.tensor(bv, [3, 4, 5])));
    assert.deepEqual(got.shape, [2, 3, 3, 5]);
    // out[i, j] = a[i, 0] · b[j], each a plain 2-D product (which the cpu backend gets right).
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const want = await onBackend('cpu', () => tf.matMul(tf.tensor(av.slice(i * 12, (i + 1) * 12), [3, 4]), tf.tensor(bv.slice(j * 20, (j + 1) * 20), [4, 5])));
        const slice = got.values.slice((i * 3 + j) * 15, (i * 3 + j + 1) * 15);
        assertClose({ values: slice, shape: [3, 5] }, want, 1e-5, `out[${i}, ${j}]`);
      }
    }
  });

  it('gives the same gradients as the wasm kernels', async () => {
    const av = randomValues(6 * 10 * 12, 7);
    const bv = randomValues(12 * 9, 8);
    const grads = () => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b).square().sum());
      const [ga, gb] = g([tf.tensor(av, [6, 10, 12]), tf.tensor(bv, [12, 9])]);
      return tf.concat([ga!.flatten(), gb!.flatten()]);
    };
    await initEngine({ device: 'cpu', native: false, blas: true });
    const withBlas = await onBackend('wasm', grads);
    await initEngine({ device: 'cpu', native: false, blas: false });
    const withoutBlas = await onBackend('wasm', grads);
    assertClose(withBlas, withoutBlas, 1e-4, 'matMul gradients');
  });

  it('loads in several worker threads at once (a Node-API addon, unlike nblas), products and fused kernels alike', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData.path);
      const a = new Float32Array([1, 2, 3, 4, 5, 6]);
      const b = new Float32Array([1, 0, 0, 1, 1, 1]);
      const out = new Float32Array(4);
      addon.sgemmBatched(false, false, 2, 2, 3, a, b, out, new Int32Array([0]), new Int32Array([0]));
      // A fused kernel too: LayerNorm of [1, 3] and [-1, -3] with γ = 1, β = 0.
      const y = new Float32Array(4);
      addon.layerNormForward(new Float32Array([1, 3, -1, -3]), null, new Float32Array([1, 1]), new Float32Array(2), 0, y, new Float32Array(4), new Float32Array(2));
      parentPort.postMessage([...Array.from(out), ...Array.from(y)]);`;
    const results = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<number[]>((resolve, reject) => {
            const worker = new Worker(code, { eval: true, workerData: { path: ADDON_PATH } });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    for (const r of results) assert.deepEqual(r, [4, 5, 10, 11, -1, 1, 1, -1]);
  });
});

describe('OpenBLAS settings', () => {
  it('reads VERIFLOW_BLAS_THREADS and rejects nonsense with the variable named', () => {
    assert.equal(blasThreads({}), 1);
    assert.equal(blasThreads({ VERIFLOW_BLAS_THREADS: '2' }), 2);
    assert.throws(() => blasThreads({ VERIFLOW_BLAS_THREADS: 'two' }), /VERIFLOW_BLAS_THREADS must be a positive integer, got "two"/);
    assert.throws(() => blasThreads({ VERIFLOW_BLAS_THREADS: '0' }), /VERIFLOW_BLAS_THREADS/);
  });

  it('falls back to the wasm kernels, saying why, when asked not to use OpenBLAS', async () => {
    const engine = await initEngine({ device: 'cpu', native: false, blas: false, fused: false });
    assert.equal(engine.label, 'wasm');
    assert.equal(engine.blas.used, false);
    assert.match(engine.detail, /OpenBLAS not used: not requested/);
    matMulStats(true);
    await onBackend('wasm', () => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])));
    assert.equal(matMulStats().accelerator, 0);
  });
});
