// `UnsortedSegmentSum` for the wasm backend, which tfjs-backend-wasm 4.22 does not register. It is the gradient
// of `gather` (so of every embedding lookup): without it `tf.grad` through an embedding throws on wasm.
//
// The kernel works on the wasm heap directly: allocate the output, then take views of the inputs and output
// (after the allocation, since growing the heap detaches earlier views) and scatter-add row by row. One pass
// over x, no temporaries; the cpu backend's version builds a mask per segment (O(numSegments × size(x))).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import { wasmInternals } from './wasm-internals.js';

/** Output shape of `unsortedSegmentSum(x, segmentIds, numSegments)`, TensorFlow semantics. */
export function segmentSumShape(xShape: readonly number[], idsShape: readonly number[], numSegments: number): number[] {
  if (idsShape.length > xShape.length || idsShape.some((d, i) => d !== xShape[i])) {
    throw new Error(
      `unsortedSegmentSum: segmentIds shape [${idsShape.join(',')}] must be a prefix of x shape [${xShape.join(',')}]`,
    );
  }
  return [numSegments, ...xShape.slice(idsShape.length)];
}

/**
 * out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]. Ids outside [0, numSegments) are dropped (TensorFlow drops
 * negative ids; the cpu backend drops all unmatched ones).
 */
export function segmentSumInto(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  numSegments: number,
  inner: number,
  out: Float32Array | Int32Array | Uint8Array,
): void {
  out.fill(0);
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] = (out[dst + j] as number) + (x[src + j] as number);
  }
}

const unsortedSegmentSumWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = wasmInternals(backend);
  if (be == null) throw new Error('engine: UnsortedSegmentSum kernel needs the tfjs-backend-wasm 4.x backend');
  const x = inputs['x'] as TensorInfo;
  const segmentIds = inputs['segmentIds'] as TensorInfo;
  const numSegments = attrs?.['numSegments'] as number;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`unsortedSegmentSum: dtype ${x.dtype} is not supported on wasm`);
  }
  if (segmentIds.dtype !== 'int32') throw new Error('unsortedSegmentSum: segmentIds must be int32');
  const outShape = segmentSumShape(x.shape, segmentIds.shape, numSegments);
  const numIds = util.sizeFromShape(segmentIds.shape);
  const inner = numIds === 0 ? 0 : util.sizeFromShape(x.shape) / numIds;
  const out = be.makeOutput(outShape, x.dtype);
  // Views after the allocation above.
  const xs = be.typedArrayFromHeap(x);
  const ids = be.typedArrayFromHeap(segmentIds);
  const os = be.typedArrayFromHeap(out);
  segmentSumInto(xs, ids, numSegments, inner, os);
  return out;
};

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm,
};
