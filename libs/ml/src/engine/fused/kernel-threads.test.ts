// The addon's kernels split their work over VERIFLOW_BLAS_THREADS threads (libs/ml/native/pool.c) along
// independent outputs only, so every result must be bit for bit the same on 1 and on 2 threads. The shapes are
// the bench's (bench/transformer), large enough that every kernel splits; the fused-ops tests hold the kernels
// to op-by-op references at small shapes, which run on one thread.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import type { NativeAddon } from '../native-addon.js';
import { loadNativeAddon } from '../native-addon.js';
import { nativeSkip } from '../test-helpers.js';

const load = loadNativeAddon();
const addon = load.addon;
const skip = nativeSkip(addon == null ? `native addon unavailable: ${load.reason}` : !addon.status().ok ? `OpenBLAS unavailable: ${addon.status().error}` : false);

function random(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.normal();
  return values;
}

/**
 * Runs `kernel` (which fills and returns its outputs) on 1 thread, then on 2 and on 7 (more threads than our
 * machines have cores: workers that wake late find their parts taken by others); the outputs must be identical.
 */
function sameOnOneAndTwoThreads(a: NativeAddon, what: string, kernel: () => Float32Array[]): void {
  a.setThreads(1);
  const one = kernel();
  for (const threads of [2, 7]) {
    a.setThreads(threads);
    assert.equal(a.status().kernelThreads, threads);
    const many = kernel();
    one.forEach((expected, i) => {
      const actual = many[i]!;
      for (let j = 0; j < expected.length; j++) {
        if (!Object.is(actual[j], expected[j])) assert.fail(`${what}, output ${i}[${j}]: ${actual[j]} on ${threads} threads, ${expected[j]} on 1`);
      }
    });
  }
}

describe('native kernels on several threads', { skip }, () => {
  const a = addon as NativeAddon;
  const rows = 2464;
  const dim = 64;
  after(() => a.setThreads(1));

  it('dense forward and backward, with relu and with a transposed W, split by rows and by columns', () => {
    for (const [inputs, outputs, transposeW, relu] of [[64, 256, false, true], [256, 64, false, false], [64, 1306, true, false]] as const) {
      const n = transposeW ? 576 : rows;
      const x = random(n * inputs, 1), w = random(inputs * outputs, 2), b = random(outputs, 3), dy = random(n * outputs, 4);
      sameOnOneAndTwoThreads(a, `dense ${inputs}→${outputs}${transposeW ? 'ᵀ' : ''}`, () => {
        const y = new Float32Array(n * outputs);
        a.denseForward(x, w, b, n, inputs, outputs, transposeW, relu, y);
        const dx = new Float32Array(n * inputs), dw = new Float32Array(inputs * outputs), db = new Float32Array(outputs);
        a.denseBackward(dy, x, w, relu ? y : null, n, inputs, outputs, transposeW, dx, dw, db);
        return [y, dx, dw, db];
      });
    }
  });

  it('dense backward on 2 threads matches a plain dW = xᵀ·g and db = Σ g', () => {
    a.setThreads(2);
    const inputs = 64, outputs = 64;
    const x = random(rows * inputs, 5), w = random(inputs * outputs, 6), dy = random(rows * outputs, 7);
    const dx = new Float32Array(rows * inputs), dw = new Float32Array(inputs * outputs), db = new Float32Array(outputs);
    a.denseBackward(dy, x, w, null, rows, inputs, outputs, false, dx, dw, db);
    for (let i = 0; i < inputs; i++) {
      for (let o = 0; o < outputs; o++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += x[r * inputs + i]! * dy[r * outputs + o]!;
        assert.ok(Math.abs(dw[i * outputs + o]! - sum) <= 1e-3 * Math.max(1, Math.abs(sum)), `dW[${i}, ${o}]: ${dw[i * outputs + o]} vs ${sum}`);
      }
    }
    for (let o = 0; o < outputs; o++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += dy[r * outputs + o]!;
      assert.ok(Math.abs(db[o]! - sum) <= 1e-3 * Math.max(1, Math.abs(sum)), `db[${o}]: ${db[o]} vs ${sum}`);
    }
  });

  it('attention forward and backward, split by (sequence, head)', () => {
    const batch = 32, heads = 2, length = 77, dh = 32;
    const size = batch * length * heads * dh;
    const q = random(size, 8), k = random(size, 9), v = random(size, 10), dout = random(size, 11);
    const keyMask = new Float32Array(batch * length).map((_, i) => (i % 7 === 6 ? -1e9 : 0));
    sameOnOneAndTwoThreads(a, 'attention', () => {
      const probs = new Float32Array(batch * heads * length * length), out = new Float32Array(size);
      a.attentionForward(q, k, v, keyMask, true, batch, heads, length, length, dh, 1 / Math.sqrt(dh), probs, out);
      const dq = new Float32Array(size), dk = new Float32Array(size), dv = new Float32Array(size);
      a.attentionBackward(dout, q, k, v, probs, batch, heads, length, length, dh, 1 / Math.sqrt(dh), dq, dk, dv);
      return [probs, out, dq, dk, dv];
    });
  });

  it('LayerNorm forward and backward, split by rows (dx) and by columns (dγ, dβ)', () => {
    const x = random(rows * dim, 12), residual = random(rows * dim, 13), gamma = random(dim, 14), beta = random(dim, 15), dy = random(rows * dim, 16);
    sameOnOneAndTwoThreads(a, 'layerNorm', () => {
      const y = new Float32Array(rows * dim), xhat = new Float32Array(rows * dim), rstd = new Float32Array(rows);
      a.layerNormForward(x, residual, gamma, beta, 1e-5, y, xhat, rstd);
      const dx = new Float32Array(rows * dim), dgamma = new Float32Array(dim), dbeta = new Float32Array(dim);
      a.layerNormBackward(dy, xhat, rstd, gamma, dx, dgamma, dbeta);
      return [y, xhat, rstd, dx, dgamma, dbeta];
    });
  });

  it('softmax cross-entropy forward and backward, split by rows, and its loss summed in row order', () => {
    const n = 576, vocab = 1306;
    const logits = random(n * vocab, 17);
    const targets = new Int32Array(n).map((_, i) => (i * 37) % vocab);
    const weights = new Float32Array(n).map((_, i) => (i % 5 === 0 ? 0 : 1));
    sameOnOneAndTwoThreads(a, 'softmax cross-entropy', () => {
      const probs = new Float32Array(n * vocab), dlogits = new Float32Array(n * vocab);
      const loss = a.softmaxXentForward(logits, targets, weights, probs);
      a.softmaxXentBackward(probs, targets, weights, 1 / 460, dlogits);
      return [new Float32Array([loss]), probs, dlogits];
    });
  });

  it('sgemmBatched, split by rows of each product', () => {
    const m = 2464, n = 64, k = 64;
    const x = random(m * k, 18), w = random(k * n, 19), bias = random(n, 20);
    sameOnOneAndTwoThreads(a, 'sgemmBatched', () => {
      const out = new Float32Array(m * n);
      a.sgemmBatched(false, false, m, n, k, x, w, out, new Int32Array([0]), new Int32Array([0]), bias, true);
      const outT = new Float32Array(k * n);
      a.sgemmBatched(true, false, k, n, m, x, out, outT, new Int32Array([0]), new Int32Array([0]));
      return [out, outT];
    });
  });
});
