// GFLOP/s of the wasm matmul, stock tfjs-backend-wasm kernel vs ours, for the shapes of a small transformer
// (d_model 256, d_ff 1024, B·T 512 tokens, 32 = B·H attention heads of size 64 over T = 128). Run it with
//   npx tsc -b libs/ml && node -e "import('./libs/ml/dist/engine/bench-matmul.js').then(async (m) =>
//     console.table(await m.benchmarkMatMul()))"
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from './index.js';
import { setMatMulFastPath } from './kernels/matmul-transposed.js';

export interface MatMulBenchCase {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

export interface MatMulBenchRow {
  name: string;
  shapes: string;
  gflop: number;
  stockGflops: number;
  fastGflops: number;
  speedup: number;
}

export const transformerMatMulCases: MatMulBenchCase[] = [
  { name: 'ffn forward  X·W', a: [512, 256], b: [256, 1024], transposeA: false, transposeB: false },
  { name: 'ffn dX = dY·Wᵀ', a: [512, 1024], b: [256, 1024], transposeA: false, transposeB: true },
  { name: 'ffn dW = Xᵀ·dY', a: [512, 256], b: [512, 1024], transposeA: true, transposeB: false },
  { name: 'ffn rank-3 [B,T,256]·W', a: [4, 128, 256], b: [256, 1024], transposeA: false, transposeB: false },
  { name: 'attn S = Q·Kᵀ', a: [32, 128, 64], b: [32, 128, 64], transposeA: false, transposeB: true },
  { name: 'attn [BH,T,64]·[BH,64,T]', a: [32, 128, 64], b: [32, 64, 128], transposeA: false, transposeB: false },
  { name: 'attn O = P·V', a: [32, 128, 128], b: [32, 128, 64], transposeA: false, transposeB: false },
  { name: 'attn dV = Pᵀ·dO', a: [32, 128, 128], b: [32, 128, 64], transposeA: true, transposeB: false },
];

function flops(c: MatMulBenchCase): number {
  const ra = c.a.length;
  const rb = c.b.length;
  const m = (c.transposeA ? c.a[ra - 1] : c.a[ra - 2]) as number;
  const k = (c.transposeA ? c.a[ra - 2] : c.a[ra - 1]) as number;
  const n = (c.transposeB ? c.b[rb - 2] : c.b[rb - 1]) as number;
  const batch = Math.max(
    c.a.slice(0, -2).reduce((p, d) => p * d, 1),
    c.b.slice(0, -2).reduce((p, d) => p * d, 1),
  );
  return 2 * batch * m * n * k;
}

/** Best-of-`reps` seconds for one product (best-of to resist a loaded machine; wasm kernels are synchronous). */
function time(c: MatMulBenchCase, a: tf.Tensor, b: tf.Tensor, reps: number): number {
  tf.matMul(a, b, c.transposeA, c.transposeB).dispose();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    const out = tf.matMul(a, b, c.transposeA, c.transposeB);
    best = Math.min(best, performance.now() - start);
    out.dispose();
  }
  return best / 1000;
}

export async function benchmarkMatMul(
  options: { cases?: MatMulBenchCase[]; reps?: number; stockReps?: number } = {},
): Promise<MatMulBenchRow[]> {
  const { cases = transformerMatMulCases, reps = 7, stockReps = 3 } = options;
  await initEngine({ device: 'cpu', native: false });
  const rows: MatMulBenchRow[] = [];
  for (const c of cases) {
    const a = tf.randomNormal(c.a);
    const b = tf.randomNormal(c.b);
    const gflop = flops(c) / 1e9;
    try {
      setMatMulFastPath(false);
      const stock = time(c, a, b, stockReps);
      setMatMulFastPath(true);
      const fast = time(c, a, b, reps);
      rows.push({
        name: c.name,
        shapes: `${JSON.stringify(c.a)}${c.transposeA ? 'ᵀ' : ''}·${JSON.stringify(c.b)}${c.transposeB ? 'ᵀ' : ''}`,
        gflop: Number(gflop.toFixed(3)),
        stockGflops: Number((gflop / stock).toFixed(2)),
        fastGflops: Number((gflop / fast).toFixed(2)),
        speedup: Number((stock / fast).toFixed(1)),
      });
    } finally {
      setMatMulFastPath(true);
      a.dispose();
      b.dispose();
    }
  }
  return rows;
}
