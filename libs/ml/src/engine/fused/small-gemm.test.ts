// The dense kernels' products run on our small-matrix kernel (libs/ml/native/small-gemm.c) where the CPU has
// AVX2 or AVX-512, and on OpenBLAS otherwise or with VERIFLOW_SMALL_GEMM=off. Both must give the dense layer's
// values; kernel-threads.test.ts holds them bit for bit across thread counts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { NativeAddon } from '../native-addon.js';
import { ADDON_PATH, loadNativeAddon } from '../native-addon.js';
import { nativeSkip, randomValues } from '../test-helpers.js';

const load = loadNativeAddon();
const addon = load.addon;
const skip = nativeSkip(addon == null ? `native addon unavailable: ${load.reason}` : !addon.status().ok ? `OpenBLAS unavailable: ${addon.status().error}` : false);

/** The build the kernel should pick on this CPU, from the flags the kernel reports in /proc/cpuinfo. */
function expectedBuild(): string {
  if (process.arch !== 'x64') return 'off';
  const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim().split(/\s+/) ?? []);
  if (flags.has('avx512f')) return 'avx512f';
  return flags.has('avx2') && flags.has('fma') ? 'avx2' : 'off';
}

/** c = a·b (+ bias, relu) in double precision; a [m, k], b [k, n] as get(p, j). */
function reference(m: number, n: number, k: number, a: Float32Array, b: (p: number, j: number) => number, bias?: Float32Array, relu = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias?.[j] ?? 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b(p, j);
      c[i * n + j] = relu && sum < 0 ? 0 : sum;
    }
  }
  return c;
}

function assertNear(actual: Float32Array, expected: Float64Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    if (!(Math.abs(actual[i]! - want) <= 1e-4 * Math.max(1, Math.abs(want)))) assert.fail(`${what}[${i}]: ${actual[i]}, expected ${want}`);
  }
}

describe('the small-matrix product kernel', { skip }, () => {
  const a = addon as NativeAddon;

  it('is picked by CPU feature and named in status()', () => {
    assert.equal(a.status().smallGemm, expectedBuild());
  });

  it('gives the dense layer x·W + b (relu) and dx = g·Wᵀ at the bench transformer’s shapes, on 1 and 2 threads', () => {
    const rows = 1232;
    for (const [inputs, outputs] of [[64, 64], [64, 256], [256, 64]] as const) {
      const x = randomValues(rows * inputs, 1), w = randomValues(inputs * outputs, 2), b = randomValues(outputs, 3), dy = randomValues(rows * outputs, 4);
      const y = reference(rows, outputs, inputs, x, (p, j) => w[p * outputs + j]!, b, true);
      const dx = reference(rows, inputs, outputs, dy, (p, j) => w[j * outputs + p]!);
      for (const threads of [1, 2]) {
        a.setThreads(threads);
        const gotY = new Float32Array(rows * outputs);
        a.denseForward(x, w, b, rows, inputs, outputs, false, true, gotY);
        assertNear(gotY, y, `y ${inputs}→${outputs}, ${threads} threads`);
        const gotDx = new Float32Array(rows * inputs), dw = new Float32Array(inputs * outputs), db = new Float32Array(outputs);
        a.denseBackward(dy, x, w, null, rows, inputs, outputs, false, gotDx, dw, db);
        assertNear(gotDx, dx, `dx ${inputs}→${outputs}, ${threads} threads`);
      }
    }
    a.setThreads(1);
  });

  it('is switched off by VERIFLOW_SMALL_GEMM=off, and OpenBLAS then gives the same values within float32 rounding', () => {
    const rows = 288, inputs = 64, outputs = 64;
    const x = randomValues(rows * inputs, 5), w = randomValues(inputs * outputs, 6), b = randomValues(outputs, 7);
    const y = new Float32Array(rows * outputs);
    a.denseForward(x, w, b, rows, inputs, outputs, false, false, y);
    // The inputs go through stdin (too long for an argument).
    const script = `
      const addon = require(${JSON.stringify(ADDON_PATH)});
      const [x, w, b] = JSON.parse(require('node:fs').readFileSync(0, 'utf8')).map((v) => new Float32Array(v));
      const y = new Float32Array(${rows * outputs});
      addon.denseForward(x, w, b, ${rows}, ${inputs}, ${outputs}, false, false, y);
      console.log(JSON.stringify({ build: addon.status().smallGemm, y: Array.from(y) }));`;
    const input = JSON.stringify([Array.from(x), Array.from(w), Array.from(b)]);
    const off = JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, VERIFLOW_SMALL_GEMM: 'off' }, encoding: 'utf8', input })) as { build: string; y: number[] };
    assert.equal(off.build, 'off');
    assertNear(y, Float64Array.from(off.y), 'y on OpenBLAS against the small kernel');
  });
});
