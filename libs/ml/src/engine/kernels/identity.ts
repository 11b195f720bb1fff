// `Identity` (Tensor.clone) for the wasm backend without a copy. tfjs clones every tensor it saves for the
// backward pass (~260 clones per step of our transformer), and the stock wasm kernel copies each one; the cpu
// backend already shares the data and counts references, as wasm's own Reshape does. Tensors never change
// in place in tfjs, so sharing is safe; code that writes into a tensor's memory (engine/optimizer) checks
// the reference count first.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Identity } from '@tensorflow/tfjs-core';
import { replaceKernel, wasmInternals } from './wasm-internals.js';

let stockIdentity: KernelConfig | null = null;

interface RefCounting {
  incRef(dataId: object): void;
}

const identitySharing: KernelFunc = (args) => {
  const x = args.inputs['x'] as TensorInfo;
  const be = wasmInternals(args.backend) as (ReturnType<typeof wasmInternals> & Partial<RefCounting>) | null;
  if (be == null || typeof be.incRef !== 'function' || x.dtype === 'string' || stockIdentity == null) {
    if (stockIdentity == null) throw new Error('engine: stock wasm Identity kernel is not available');
    return stockIdentity.kernelFunc(args);
  }
  be.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

/** Replaces the wasm `Identity` kernel (idempotent). Must run after tfjs-backend-wasm registered its kernels. */
export function registerSharingIdentity(): { ok: boolean; detail: string } {
  if (stockIdentity != null) return { ok: true, detail: 'already registered' };
  stockIdentity = replaceKernel(Identity, identitySharing);
  if (stockIdentity == null) return { ok: false, detail: 'no wasm Identity kernel registered (is tfjs-backend-wasm imported?)' };
  return { ok: true, detail: 'shares data (reference counted) instead of copying' };
}
