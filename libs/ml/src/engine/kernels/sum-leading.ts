// `Sum` over leading axes (column sums) for the wasm backend. Every bias gradient is one: dy [tokens, n]
// summed over the tokens. The stock kernel first transposes the input so the reduced axes are innermost, then
// reduces; here the columns are summed in place: by the GEMM accelerator as onesᵀ·X when one is installed
// (OpenBLAS), else by a plain loop. Other reductions go to the stock kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Sum, util } from '@tensorflow/tfjs-core';
import { gemmAccelerator } from './matmul-transposed.js';
import { heapF32, replaceKernel, tensorData, wasmInternals } from './wasm-internals.js';

let stockSum: KernelConfig | null = null;
let ones = new Float32Array(0);

/** The number of leading axes `axis` names when it names exactly axes 0..k−1 (k < rank), else 0. */
export function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/** out[j] = Σ_i x[i·cols + j]. */
export function columnSums(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) acc[j]! += x[base + j]!;
  }
  out.set(acc);
}

const sumLeading: KernelFunc = (args) => {
  const x = args.inputs['x'] as TensorInfo;
  const be = wasmInternals(args.backend);
  const axis = args.attrs?.['axis'] as number | number[];
  const keepDims = Boolean(args.attrs?.['keepDims']);
  const k = be == null || x.dtype !== 'float32' ? 0 : leadingAxes(axis, x.shape.length);
  if (be == null || k === 0 || stockSum == null) {
    if (stockSum == null) throw new Error('engine: stock wasm Sum kernel is not available');
    return stockSum.kernelFunc(args);
  }
  const rows = util.sizeFromShape(x.shape.slice(0, k));
  const kept = x.shape.slice(k);
  const cols = util.sizeFromShape(kept);
  const out = be.makeOutput(keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept, 'float32');
  if (cols === 0) return out;
  const input = heapF32(be, tensorData(be, x).memoryOffset, rows * cols);
  const output = heapF32(be, tensorData(be, out).memoryOffset, cols);
  const accelerator = gemmAccelerator();
  const problem = { batch: 1, m: 1, n: cols, k: rows, transposeA: false, transposeB: false, aBatchIndex: new Int32Array(1), bBatchIndex: new Int32Array(1) };
  if (rows > 0 && accelerator != null && accelerator.accepts(problem)) {
    if (ones.length < rows) ones = new Float32Array(rows).fill(1);
    accelerator.run(problem, ones.subarray(0, rows), input, output);
  } else {
    columnSums(input, rows, cols, output);
  }
  return out;
};

/** Replaces the wasm `Sum` kernel (idempotent). Must run after tfjs-backend-wasm registered its kernels. */
export function registerLeadingSum(): { ok: boolean; detail: string } {
  if (stockSum != null) return { ok: true, detail: 'already registered' };
  stockSum = replaceKernel(Sum, sumLeading);
  if (stockSum == null) return { ok: false, detail: 'no wasm Sum kernel registered (is tfjs-backend-wasm imported?)' };
  return { ok: true, detail: 'column sums over leading axes without a transpose (OpenBLAS when installed)' };
}
