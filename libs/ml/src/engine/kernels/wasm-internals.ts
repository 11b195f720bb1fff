// Typed access to the parts of tfjs-backend-wasm 4.22's `BackendWasm` that our kernels use. None of this is
// public API: `wasmInternals()` checks every member it relies on and returns null when one is missing, so a
// future tfjs version degrades to the stock kernels instead of corrupting memory.
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';

/** Per-tensor record the wasm backend keeps in `dataIdMap`. */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
}

/** The emscripten module behind the backend (only what we call). */
export interface WasmModuleLike {
  HEAPU8: Uint8Array;
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: unknown[]) => unknown;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

/** The subset of `BackendWasm` our kernels use. */
export interface WasmBackendLike {
  wasm: WasmModuleLike;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Returns the backend typed as `WasmBackendLike` when it has everything we need, else null. */
export function wasmInternals(backend: unknown): WasmBackendLike | null {
  const b = backend as Partial<WasmBackendLike> | null;
  if (b == null || typeof b !== 'object') return null;
  const wasm = b.wasm as Partial<WasmModuleLike> | undefined;
  if (
    wasm == null ||
    typeof wasm.cwrap !== 'function' ||
    !(wasm.HEAPU8 instanceof Uint8Array) ||
    wasm.tfjs == null ||
    typeof wasm.tfjs.registerTensor !== 'function' ||
    typeof wasm.tfjs.disposeData !== 'function'
  ) {
    return null;
  }
  if (
    typeof b.dataIdNextNumber !== 'number' ||
    b.dataIdMap == null ||
    typeof b.dataIdMap.get !== 'function' ||
    typeof b.makeOutput !== 'function' ||
    typeof b.typedArrayFromHeap !== 'function' ||
    typeof b.disposeData !== 'function'
  ) {
    return null;
  }
  return b as WasmBackendLike;
}

/** The record for a tensor of this backend; throws when it is not one (e.g. a tensor of another backend). */
export function tensorData(backend: WasmBackendLike, info: TensorInfo): WasmTensorData {
  const data = backend.dataIdMap.get(info.dataId);
  if (data == null) throw new Error('engine: tensor is not resident on the wasm backend');
  return data;
}

/**
 * A float32 view of `size` elements at byte offset `offset` of the wasm heap. Views are invalidated when the
 * heap grows (any allocation), so take them after the last allocation of a kernel and never keep them.
 */
export function heapF32(backend: WasmBackendLike, offset: number, size: number): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer, offset, size);
}

/**
 * Tensors the C++ side knows by id but that alias memory owned by another tensor (a batch slice). They are
 * registered with the C++ tensor table only: never put in `dataIdMap`, never freed by us. `release()` must
 * run (in a finally) so the C++ side drops them and the XNNPACK operators cached on their ids.
 */
export class HeapViews {
  private readonly ids: number[] = [];
  constructor(private readonly backend: WasmBackendLike) {}

  view(memoryOffset: number, size: number): number {
    const id = this.backend.dataIdNextNumber++;
    this.backend.wasm.tfjs.registerTensor(id, size, memoryOffset);
    this.ids.push(id);
    return id;
  }

  release(): void {
    for (const id of this.ids) this.backend.wasm.tfjs.disposeData(id);
    this.ids.length = 0;
  }
}

/** Int32 shape as the byte array the cwrapped C functions take for `array` arguments. */
export function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/**
 * Registers `kernelFunc` as the wasm kernel `name` in place of the stock one, keeping the stock setup (it
 * cwraps the C functions the stock kernelFunc calls, which ours fall back to) and dispose hooks. Returns the
 * stock config, or null when tfjs-backend-wasm registered no such kernel (is it imported?).
 */
export function replaceKernel(name: string, kernelFunc: KernelFunc): KernelConfig | null {
  const stock = getKernel(name, 'wasm');
  if (stock == null) return null;
  unregisterKernel(name, 'wasm');
  const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc };
  if (stock.setupFunc) config.setupFunc = stock.setupFunc;
  if (stock.disposeFunc) config.disposeFunc = stock.disposeFunc;
  registerKernel(config);
  return stock;
}
