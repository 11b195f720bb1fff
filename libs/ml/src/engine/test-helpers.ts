// Helpers shared by the engine tests: run the same computation on two backends and compare.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { GemmAccelerator, GemmProblem } from './kernels/matmul-transposed.js';

/**
 * A skip reason for native tests, or false to run them. Under VERIFLOW_REQUIRE_NATIVE=1 (CI, where a compiler
 * and OpenBLAS are installed) a reason throws instead, so the test file fails rather than skipping quietly.
 */
export function nativeSkip(reason: string | false): string | false {
  if (reason !== false && process.env['VERIFLOW_REQUIRE_NATIVE'] === '1') throw new Error(`VERIFLOW_REQUIRE_NATIVE=1, but ${reason}`);
  return reason;
}

/** Runs `fn` on `backend` inside tidy and returns plain copies of the values and shape of its result. */
export async function onBackend(
  backend: 'wasm' | 'cpu',
  fn: () => tf.Tensor,
): Promise<{ values: Float32Array; shape: number[] }> {
  assert.ok(await tf.setBackend(backend), `backend ${backend} initialised`);
  let result: { values: Float32Array; shape: number[] } | undefined;
  tf.tidy(() => {
    const t = fn();
    result = { values: Float32Array.from(t.dataSync()), shape: [...t.shape] };
  });
  assert.ok(result);
  return result;
}

/** max |a - b| ≤ rel · max(1, max |b|), with the shapes equal. */
export function assertClose(
  got: { values: Float32Array; shape: number[] },
  want: { values: Float32Array; shape: number[] },
  rel: number,
  label: string,
): void {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  let scale = 1;
  for (const v of want.values) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < want.values.length; i++) {
    worst = Math.max(worst, Math.abs((got.values[i] as number) - (want.values[i] as number)));
  }
  assert.ok(worst <= rel * scale, `${label}: max abs diff ${worst} > ${rel} × ${scale}`);
}

/** Deterministic pseudo-random float32 values in [-1, 1). */
export function randomValues(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/**
 * A plain-JS GEMM standing in for a native BLAS, epilogue (bias, relu) included: records every problem it runs;
 * accepts those with k ≥ `minK`.
 */
export function referenceAccelerator(seen: GemmProblem[], minK = 1): GemmAccelerator {
  return {
    name: 'reference',
    accepts: (p) => p.k >= minK,
    run(p, a, b, out, epilogue) {
      seen.push(p);
      const { m, n, k } = p;
      for (let i = 0; i < p.batch; i++) {
        const ao = (p.aBatchIndex[i] as number) * m * k;
        const bo = (p.bBatchIndex[i] as number) * k * n;
        for (let r = 0; r < m; r++) {
          for (let c = 0; c < n; c++) {
            let s = 0;
            for (let t = 0; t < k; t++) {
              const av = a[ao + (p.transposeA ? t * m + r : r * k + t)] as number;
              const bv = b[bo + (p.transposeB ? c * k + t : t * n + c)] as number;
              s += av * bv;
            }
            if (epilogue?.bias) s += epilogue.bias[c] as number;
            out[i * m * n + r * n + c] = epilogue?.relu && s < 0 ? 0 : s;
          }
        }
      }
    },
  };
}
