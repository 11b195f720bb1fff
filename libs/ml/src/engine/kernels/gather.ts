// `GatherV2` (tf.gather, i.e. every embedding lookup) for the wasm backend. The stock tfjs-backend-wasm 4.22
// kernel computes each output element with stride arithmetic in C++ and measured 20–90 ns per element; this
// one copies whole slices with `TypedArray.set` (well under 1 ns per element for embedding rows). Same
// semantics and the same out-of-range error as the stock kernel; string tensors go to the stock kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GatherV2, backend_util, util } from '@tensorflow/tfjs-core';
import { replaceKernel, wasmInternals } from './wasm-internals.js';

let stockGather: KernelConfig | null = null;

/** Copies gathered slices: x [batch, outer, dim, slice] × ids [batch, n] → out [batch, outer, n, slice]. */
export function gatherInto(
  x: Float32Array | Int32Array | Uint8Array,
  ids: Int32Array | Float32Array | Uint8Array,
  out: Float32Array | Int32Array | Uint8Array,
  batchSize: number,
  outerSize: number,
  dimSize: number,
  sliceSize: number,
): void {
  const n = ids.length / batchSize;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const srcBase = (b * outerSize + o) * dimSize;
      const dstBase = (b * outerSize + o) * n;
      for (let i = 0; i < n; i++) {
        const src = (srcBase + (ids[b * n + i] as number)) * sliceSize;
        const dst = (dstBase + i) * sliceSize;
        if (sliceSize >= 16) {
          out.set(x.subarray(src, src + sliceSize), dst);
        } else {
          for (let j = 0; j < sliceSize; j++) out[dst + j] = x[src + j] as number;
        }
      }
    }
  }
}

const gatherWasm: KernelFunc = (args) => {
  const be = wasmInternals(args.backend);
  const x = args.inputs['x'] as TensorInfo;
  const indices = args.inputs['indices'] as TensorInfo;
  if (be == null || x.dtype === 'string' || indices.dtype !== 'int32') {
    if (stockGather == null) throw new Error('engine: stock wasm GatherV2 kernel is not available');
    return stockGather.kernelFunc(args);
  }
  const attrs = args.attrs ?? {};
  const axis = util.parseAxisParam(attrs['axis'] as number, x.shape)[0] as number;
  const batchDims = (attrs['batchDims'] as number | undefined) ?? 0;
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis, batchDims);
  const out = be.makeOutput(info.outputShape, x.dtype);
  if (util.sizeFromShape(info.outputShape) === 0) return out;
  // Views after the allocation above.
  const ids = be.typedArrayFromHeap(indices);
  const axisDim = x.shape[axis] as number;
  for (let i = 0; i < ids.length; i++) {
    const index = ids[i] as number;
    if (index < 0 || index >= axisDim) {
      be.disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`);
    }
  }
  gatherInto(
    be.typedArrayFromHeap(x),
    ids,
    be.typedArrayFromHeap(out),
    info.batchSize,
    info.outerSize,
    info.dimSize,
    info.sliceSize,
  );
  return out;
};

/** Replaces the wasm `GatherV2` kernel (idempotent). */
export function registerFastGather(): { ok: boolean; detail: string } {
  if (stockGather != null) return { ok: true, detail: 'already registered' };
  stockGather = replaceKernel(GatherV2, gatherWasm);
  if (stockGather == null) return { ok: false, detail: 'no wasm GatherV2 kernel registered' };
  return { ok: true, detail: 'slice copies on the wasm heap' };
}
