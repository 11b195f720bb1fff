// Fast `BatchMatMul` (and `_FusedMatMul`) for the wasm backend.
//
// tfjs-backend-wasm 4.22 sends a matmul to XNNPACK's fully-connected operator only when neither input is
// transposed AND both have batch size 1; everything else (every matmul gradient, which uses transposeA or
// transposeB, every rank-3 × rank-2 product, every batched attention product) runs a naive blocked C++ loop at
// 1–2 GFLOP/s. This kernel keeps XNNPACK for all of them:
//
//   1. an optional `GemmAccelerator` (e.g. a native BLAS) gets the problem first if it accepts it;
//   2. a transposed operand is materialised once with the backend's own `Transpose` kernel (skipped when the
//      swapped dims include a 1, where the layout is already right);
//   3. if `b` has a single batch the whole product is ONE XNNPACK call with `a` seen as [batch·M, K];
//   4. otherwise it is one XNNPACK call per batch slice, the slices being zero-copy aliases of the inputs and
//      output registered with the C++ tensor table (see `HeapViews`).
//
// Anything unexpected (non-float32, missing backend internals, fast path switched off) goes to the stock kernel.
//
// Stock bug avoided here: the C++ side caches each packed XNNPACK operator under b's tensor id only (not its
// shape), and `reshape` keeps the id, so stock `matMul(x, W)` then `matMul(y, reshape(W, ...))` reuses an
// operator packed for the wrong [k, n] and writes out of bounds ("memory access out of bounds" later). We always
// hand XNNPACK a fresh alias id for b.
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import {
  BatchMatMul,
  Transpose,
  _FusedMatMul,
  broadcast_util,
  getKernel,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike, WasmModuleLike } from './wasm-internals.js';
import { HeapViews, heapF32, replaceKernel, shapeBytes, tensorData, wasmInternals } from './wasm-internals.js';

/**
 * One batched product out[i] = op(A[aBatchIndex[i]]) · op(B[bBatchIndex[i]]), i < batch, row-major float32.
 * A slice is [m, k] ([k, m] when transposeA), a B slice [k, n] ([n, k] when transposeB), an output slice [m, n].
 */
export interface GemmProblem {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly aBatchIndex: Int32Array;
  readonly bBatchIndex: Int32Array;
}

/** What a fused product applies to its output: a bias of n values added to every row, then relu. */
export interface GemmEpilogue {
  readonly bias: Float32Array | null;
  readonly relu: boolean;
}

/**
 * Extension point for another matmul implementation (ours: OpenBLAS through the native addon, whose sgemm
 * takes the transposes directly). `run` gets float32 views of the wasm heap, valid only during the call: it
 * must be synchronous and must not call tfjs. With an epilogue it also adds the bias and applies relu.
 */
export interface GemmAccelerator {
  readonly name: string;
  accepts(problem: GemmProblem): boolean;
  run(problem: GemmProblem, a: Float32Array, b: Float32Array, out: Float32Array, epilogue?: GemmEpilogue): void;
}

/** How many products took each path since the last reset (for tests and provenance). */
export interface MatMulStats {
  /** One XNNPACK call for the whole product. */
  xnnSingle: number;
  /** One XNNPACK call per batch slice. */
  xnnSliced: number;
  accelerator: number;
  /** Delegated to the stock tfjs-backend-wasm kernel. */
  stock: number;
  /** Transposed operands materialised. */
  transposes: number;
}

let accelerator: GemmAccelerator | null = null;
let fastPathEnabled = true;
const stats: MatMulStats = { xnnSingle: 0, xnnSliced: 0, accelerator: 0, stock: 0, transposes: 0 };
let stockBatchMatMul: KernelConfig | null = null;
let stockFusedMatMul: KernelConfig | null = null;

/** Installs (or with null removes) the accelerator tried before XNNPACK. */
export function setGemmAccelerator(acc: GemmAccelerator | null): void {
  accelerator = acc;
}

/** The installed accelerator, if any (other kernels hand it products too). */
export function gemmAccelerator(): GemmAccelerator | null {
  return accelerator;
}

/** Switches the fast path off (everything goes to the stock kernel), e.g. to measure the difference. */
export function setMatMulFastPath(enabled: boolean): void {
  fastPathEnabled = enabled;
}

export function matMulStats(reset = false): MatMulStats {
  const copy = { ...stats };
  if (reset) for (const key of Object.keys(stats) as (keyof MatMulStats)[]) stats[key] = 0;
  return copy;
}

// --- calling into the wasm module -------------------------------------------------------------------------

type CBatchMatMul = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: boolean,
  transposeB: boolean,
  outId: number,
) => void;

const cwrapped = new WeakMap<WasmModuleLike, CBatchMatMul>();

function cBatchMatMul(be: WasmBackendLike): CBatchMatMul {
  let fn = cwrapped.get(be.wasm);
  if (fn == null) {
    fn = be.wasm.cwrap(BatchMatMul, null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]) as CBatchMatMul;
    cwrapped.set(be.wasm, fn);
  }
  return fn;
}

/** Non-transposed [1,m,k]·[1,k,n] on tensor ids: the XNNPACK path of the C++ kernel. */
function xnnGemm(be: WasmBackendLike, aId: number, bId: number, outId: number, m: number, k: number, n: number): void {
  cBatchMatMul(be)(aId, shapeBytes([1, m, k]), 3, bId, shapeBytes([1, k, n]), 3, false, false, outId);
}

/** x seen as [batch, rows, cols] → new tensor [batch, cols, rows], via the backend's Transpose kernel. */
function transposeLast2(be: WasmBackendLike, x: TensorInfo, batch: number, rows: number, cols: number): TensorInfo {
  const kernel = getKernel(Transpose, 'wasm');
  if (kernel == null) throw new Error('engine: wasm Transpose kernel is not registered');
  const view: TensorInfo = { dataId: x.dataId, shape: [batch, rows, cols], dtype: x.dtype };
  stats.transposes++;
  return kernel.kernelFunc({ inputs: { x: view }, backend: be, attrs: { perm: [0, 2, 1] } }) as TensorInfo;
}

function copyTensor(be: WasmBackendLike, x: TensorInfo): TensorInfo {
  const out = be.makeOutput([...x.shape], x.dtype);
  const size = util.sizeFromShape(x.shape);
  heapF32(be, tensorData(be, out).memoryOffset, size).set(heapF32(be, tensorData(be, x).memoryOffset, size));
  return out;
}

// --- shapes -------------------------------------------------------------------------------------------------

/** For each flat index of the broadcast outer shape, the flat index into `outer` (size-1 dims broadcast). */
export function broadcastBatchIndex(outer: readonly number[], outOuter: readonly number[]): Int32Array {
  const batch = util.sizeFromShape(outOuter as number[]);
  const index = new Int32Array(batch);
  const rankDiff = outOuter.length - outer.length;
  for (let i = 0; i < batch; i++) {
    let rem = i;
    let flat = 0;
    let stride = 1;
    for (let d = outOuter.length - 1; d >= 0; d--) {
      const od = outOuter[d] as number;
      const coord = rem % od;
      rem = (rem - coord) / od;
      const ad = d - rankDiff;
      if (ad >= 0) {
        const dim = outer[ad] as number;
        if (dim !== 1) flat += coord * stride;
        stride *= dim;
      }
    }
    index[i] = flat;
  }
  return index;
}

function isIdentity(index: Int32Array): boolean {
  for (let i = 0; i < index.length; i++) if (index[i] !== i) return false;
  return true;
}

function isConstant(index: Int32Array): boolean {
  for (let i = 1; i < index.length; i++) if (index[i] !== index[0]) return false;
  return true;
}

interface MatMulGeometry {
  m: number;
  n: number;
  k: number;
  outShape: number[];
  problem: GemmProblem;
  batchA: number;
  batchB: number;
}

function geometry(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulGeometry {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new Error(`matMul: inputs must be at least rank 2, got ${ra} and ${rb}`);
  const k = (transposeA ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
  const kb = (transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) as number;
  const m = (transposeA ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
  const n = (transposeB ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
        `and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outOuter = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const problem: GemmProblem = {
    batch: util.sizeFromShape(outOuter),
    m,
    n,
    k,
    transposeA,
    transposeB,
    aBatchIndex: broadcastBatchIndex(outerA, outOuter),
    bBatchIndex: broadcastBatchIndex(outerB, outOuter),
  };
  return {
    m,
    n,
    k,
    outShape: [...outOuter, m, n],
    problem,
    batchA: util.sizeFromShape(outerA),
    batchB: util.sizeFromShape(outerB),
  };
}

// --- the kernel ------------------------------------------------------------------------------------------------

/** out = a·b on the accelerator, over views of the wasm heap taken after `out` was allocated. */
function productOnAccelerator(acc: GemmAccelerator, be: WasmBackendLike, a: TensorInfo, b: TensorInfo, out: TensorInfo, g: MatMulGeometry, epilogue?: GemmEpilogue): void {
  const { m, n, k, problem } = g;
  stats.accelerator++;
  acc.run(
    problem,
    heapF32(be, tensorData(be, a).memoryOffset, g.batchA * m * k),
    heapF32(be, tensorData(be, b).memoryOffset, g.batchB * k * n),
    heapF32(be, tensorData(be, out).memoryOffset, problem.batch * m * n),
    epilogue,
  );
}

function callStock(config: KernelConfig | null, args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  if (config == null) throw new Error('engine: stock wasm matmul kernel is not available');
  stats.stock++;
  return config.kernelFunc(args);
}

const batchMatMulFast: KernelFunc = (args) => {
  const be = wasmInternals(args.backend);
  const a = args.inputs['a'] as TensorInfo;
  const b = args.inputs['b'] as TensorInfo;
  const transposeA = Boolean(args.attrs?.['transposeA']);
  const transposeB = Boolean(args.attrs?.['transposeB']);
  if (!fastPathEnabled || be == null || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return callStock(stockBatchMatMul, args);
  }
  const g = geometry(a, b, transposeA, transposeB);
  const { m, n, k, problem } = g;
  const out = be.makeOutput(g.outShape, 'float32');
  const outSize = problem.batch * m * n;
  if (outSize === 0) return out;
  if (k === 0) {
    heapF32(be, tensorData(be, out).memoryOffset, outSize).fill(0);
    return out;
  }

  if (accelerator != null && accelerator.accepts(problem)) {
    productOnAccelerator(accelerator, be, a, b, out, g);
    return out;
  }

  const temps: TensorInfo[] = [];
  const views = new HeapViews(be);
  try {
    // Materialise transposes; with a size-1 dim among the swapped two the memory layout is unchanged.
    let aN = a;
    let bN = b;
    if (transposeA && m > 1 && k > 1) temps.push((aN = transposeLast2(be, a, g.batchA, k, m)));
    if (transposeB && n > 1 && k > 1) temps.push((bN = transposeLast2(be, b, g.batchB, n, k)));
    const aData = tensorData(be, aN);
    const bData = tensorData(be, bN);
    const outData = tensorData(be, out);

    if (isConstant(problem.bBatchIndex) && isIdentity(problem.aBatchIndex)) {
      // b has one batch (possibly broadcast): a single [batch·m, k]·[k, n] product, b packed once.
      // b always goes through a fresh alias id: the C++ side caches the packed XNNPACK operator under b's id
      // without its shape, and a reshaped tensor keeps its id, so reusing the real id could hit an operator
      // packed for another [k, n]. Repacking b costs O(k·n), against O(batch·m·k·n) for the product.
      stats.xnnSingle++;
      const bId = views.view(bData.memoryOffset + 4 * (problem.bBatchIndex[0] as number) * k * n, k * n);
      xnnGemm(be, aData.id, bId, outData.id, problem.batch * m, k, n);
      return out;
    }

    stats.xnnSliced++;
    const aViews = new Map<number, number>();
    const bViews = new Map<number, number>();
    const sliceView = (cache: Map<number, number>, base: number, index: number, size: number): number => {
      let id = cache.get(index);
      if (id == null) {
        id = views.view(base + 4 * index * size, size);
        cache.set(index, id);
      }
      return id;
    };
    for (let i = 0; i < problem.batch; i++) {
      const aId = sliceView(aViews, aData.memoryOffset, problem.aBatchIndex[i] as number, m * k);
      const bId = sliceView(bViews, bData.memoryOffset, problem.bBatchIndex[i] as number, k * n);
      const oId = views.view(outData.memoryOffset + 4 * i * m * n, m * n);
      xnnGemm(be, aId, bId, oId, m, k, n);
    }
    return out;
  } finally {
    views.release();
    for (const t of temps) be.disposeData(t.dataId);
  }
};

// `_FusedMatMul` (tf.fused.matMul: matmul + bias + activation) has the same slow paths. Its inputs are rank 3.
// We only materialise the transposes and, when b has one batch, fold a's batch into its rows, then hand the
// (now XNNPACK-eligible) product to the stock fused kernel, which applies bias and activation. Products with a
// batched b keep the stock (slow, but not operator-cached) path.
const fusedMatMulFast: KernelFunc = (args) => {
  const be = wasmInternals(args.backend);
  const a = args.inputs['a'] as TensorInfo;
  const b = args.inputs['b'] as TensorInfo;
  const attrs = args.attrs ?? {};
  const transposeA = Boolean(attrs['transposeA']);
  const transposeB = Boolean(attrs['transposeB']);
  const prelu = args.inputs['preluActivationWeights'];
  if (
    !fastPathEnabled ||
    be == null ||
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    a.shape.length !== 3 ||
    b.shape.length !== 3 ||
    prelu != null
  ) {
    return callStock(stockFusedMatMul, args);
  }
  const g = geometry(a, b, transposeA, transposeB);
  const { m, n, k } = g;
  if (problemIsEmpty(g)) return callStock(stockFusedMatMul, args);
  const accelerated = fusedOnAccelerator(be, args, g);
  if (accelerated != null) return accelerated;
  // Folding the batch into the rows is only right for a bias of n values (the stock kernel broadcasts others).
  const bias = args.inputs['bias'] as TensorInfo | undefined;
  if (g.batchB !== 1 || (bias != null && util.sizeFromShape(bias.shape) !== n)) return callStock(stockFusedMatMul, args);
  const temps: TensorInfo[] = [];
  try {
    let aN = a;
    let bN = b;
    if (transposeA && m > 1 && k > 1) temps.push((aN = transposeLast2(be, a, g.batchA, k, m)));
    // b must reach the stock kernel under a fresh id (see the XNNPACK cache note in batchMatMulFast): the
    // transposed copy is one; otherwise copy it (O(k·n), like the packing XNNPACK does anyway).
    if (transposeB && n > 1 && k > 1) temps.push((bN = transposeLast2(be, b, 1, n, k)));
    else temps.push((bN = copyTensor(be, b)));
    const inputs: NamedTensorInfoMap = {
      ...args.inputs,
      a: { dataId: aN.dataId, shape: [1, g.batchA * m, k], dtype: 'float32' },
      b: { dataId: bN.dataId, shape: [1, k, n], dtype: 'float32' },
    };
    if (stockFusedMatMul == null) throw new Error('engine: stock wasm _FusedMatMul kernel is not available');
    stats.xnnSingle++;
    const out = stockFusedMatMul.kernelFunc({ inputs, backend: be, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
    out.shape = g.outShape;
    return out;
  } finally {
    for (const t of temps) be.disposeData(t.dataId);
  }
};

/**
 * The fused product on the accelerator, bias and activation included. Only for what that covers: no bias or
 * a bias of n values, and a linear or relu activation; anything else returns null.
 */
function fusedOnAccelerator(be: WasmBackendLike, args: Parameters<KernelFunc>[0], g: MatMulGeometry): TensorInfo | null {
  if (accelerator == null || !accelerator.accepts(g.problem)) return null;
  const attrs = args.attrs ?? {};
  const activation = (attrs['activation'] as string | undefined) ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  const bias = args.inputs['bias'] as TensorInfo | undefined;
  if (bias != null && (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== g.n || bias.shape[bias.shape.length - 1] !== g.n)) return null;
  const a = args.inputs['a'] as TensorInfo;
  const b = args.inputs['b'] as TensorInfo;
  const out = be.makeOutput(g.outShape, 'float32');
  // Views after the allocation above.
  const biasValues = bias == null ? null : heapF32(be, tensorData(be, bias).memoryOffset, g.n);
  productOnAccelerator(accelerator, be, a, b, out, g, { bias: biasValues, relu: activation === 'relu' });
  return out;
}

function problemIsEmpty(g: MatMulGeometry): boolean {
  return g.problem.batch === 0 || g.m === 0 || g.n === 0 || g.k === 0;
}

// --- registration --------------------------------------------------------------------------------------------


/**
 * Replaces the wasm `BatchMatMul` and `_FusedMatMul` kernels (idempotent). Must run after
 * `@tensorflow/tfjs-backend-wasm` has been imported (it registers the stock kernels on import).
 */
export function registerFastMatMul(): { ok: boolean; detail: string } {
  if (stockBatchMatMul != null) return { ok: true, detail: 'already registered' };
  const stock = replaceKernel(BatchMatMul, batchMatMulFast);
  if (stock == null) return { ok: false, detail: 'no wasm BatchMatMul kernel registered (is tfjs-backend-wasm imported?)' };
  stockBatchMatMul = stock;
  stockFusedMatMul = replaceKernel(_FusedMatMul, fusedMatMulFast);
  return { ok: true, detail: `BatchMatMul${stockFusedMatMul ? ' and _FusedMatMul' : ''} replaced` };
}
