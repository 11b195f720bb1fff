// Our fused training kernels (libs/ml/native/kernels.c) as tfjs kernels of the wasm backend. Each replaces a
// chain of small tfjs kernels (a LayerNorm was ~20 forward and backward, an attention ~35) whose fixed cost
// per call was most of a training step. They have no tfjs gradients of their own: the ops in this folder call
// them inside tf.customGrad, forward and backward, and fall back to the op-by-op form whenever they are not
// active (another backend, no addon, or switched off).
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, util } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernels/wasm-internals.js';
import { heapF32, tensorData, wasmInternals } from '../kernels/wasm-internals.js';
import type { NativeAddon } from '../native-addon.js';

export const LAYER_NORM = 'VeriflowLayerNorm';
export const LAYER_NORM_GRAD = 'VeriflowLayerNormGrad';
export const SOFTMAX_XENT = 'VeriflowSoftmaxXent';
export const SOFTMAX_XENT_GRAD = 'VeriflowSoftmaxXentGrad';
export const ATTENTION = 'VeriflowAttention';
export const ATTENTION_GRAD = 'VeriflowAttentionGrad';
export const EMBEDDING = 'VeriflowEmbedding';
export const EMBEDDING_GRAD = 'VeriflowEmbeddingGrad';
export const DENSE = 'VeriflowDense';
export const DENSE_GRAD = 'VeriflowDenseGrad';

interface Active {
  addon: NativeAddon;
  /** Attention and dense call OpenBLAS's sgemm; the other kernels need only the addon. */
  sgemm: boolean;
}

let active: Active | null = null;

/** Switches the native kernels on (with the loaded addon; `sgemm` when its OpenBLAS is usable) or off (null). initEngine decides. */
export function setNativeKernels(addon: NativeAddon | null, sgemm = false): void {
  active = addon == null ? null : { addon, sgemm };
  if (active != null) registerAll();
}

/** The addon when the native kernels may run now: switched on and tfjs is on the wasm backend. */
export function nativeKernels(): NativeAddon | null {
  return active != null && tf.getBackend() === 'wasm' ? active.addon : null;
}

/** Like `nativeKernels`, for the kernels that need OpenBLAS as well (attention, dense). */
export function nativeProducts(): NativeAddon | null {
  return active?.sgemm ? nativeKernels() : null;
}

function addon(): NativeAddon {
  if (active == null) throw new Error('engine: a native kernel ran while the native kernels are switched off');
  return active.addon;
}

function backendOf(backend: unknown): WasmBackendLike {
  const be = wasmInternals(backend);
  if (be == null) throw new Error('engine: native kernels need the wasm backend (tfjs-backend-wasm 4.22 internals)');
  return be;
}

/** A float32 view of a tensor on the wasm heap; take views only after the kernel's last allocation. */
function f32(be: WasmBackendLike, x: TensorInfo): Float32Array {
  if (x.dtype !== 'float32') throw new Error(`engine: native kernel expects float32, got ${x.dtype}`);
  return heapF32(be, tensorData(be, x).memoryOffset, util.sizeFromShape(x.shape));
}

function i32(be: WasmBackendLike, x: TensorInfo): Int32Array {
  if (x.dtype !== 'int32') throw new Error(`engine: native kernel expects int32, got ${x.dtype}`);
  return new Int32Array(be.wasm.HEAPU8.buffer, tensorData(be, x).memoryOffset, util.sizeFromShape(x.shape));
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const x = inputs[name];
  if (x == null) throw new Error(`engine: native kernel input "${name}" is missing`);
  return x;
}

interface KernelScope {
  readonly be: WasmBackendLike;
  readonly inputs: NamedTensorInfoMap;
  readonly attrs: NamedAttrMap | undefined;
  /** A float32 output; freed again if the kernel throws. */
  output(shape: number[]): TensorInfo;
}

/**
 * A native kernel's frame. Every input is brought onto the wasm heap first: looking up a tensor of another
 * backend copies it in, which can grow the heap and detach views taken before. Outputs are allocated through
 * `output` and freed if the kernel throws (e.g. the addon rejecting a target outside the vocabulary).
 */
function nativeKernel(body: (scope: KernelScope) => TensorInfo | TensorInfo[]): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const be = backendOf(backend);
    for (const x of Object.values(inputs)) if (x != null) tensorData(be, x);
    const outputs: TensorInfo[] = [];
    const output = (shape: number[]): TensorInfo => {
      const info = be.makeOutput(shape, 'float32');
      outputs.push(info);
      return info;
    };
    try {
      return body({ be, inputs, attrs, output });
    } catch (error) {
      for (const info of outputs) be.disposeData(info.dataId);
      throw error;
    }
  };
}

function numberAttr(attrs: NamedAttrMap | undefined, name: string): number {
  const value = attrs?.[name];
  if (typeof value !== 'number') throw new Error(`engine: native kernel attribute "${name}" must be a number`);
  return value;
}

const layerNormForward = nativeKernel(({ be, inputs, attrs, output }) => {
  const x = input(inputs, 'x');
  const residual = inputs['residual'];
  const rows = util.sizeFromShape(x.shape) / (x.shape[x.shape.length - 1] as number);
  const y = output([...x.shape]);
  const xhat = output([...x.shape]);
  const rstd = output([rows]);
  addon().layerNormForward(f32(be, x), residual == null ? null : f32(be, residual), f32(be, input(inputs, 'gamma')), f32(be, input(inputs, 'beta')), numberAttr(attrs, 'epsilon'), f32(be, y), f32(be, xhat), f32(be, rstd));
  return [y, xhat, rstd];
});

const layerNormBackward = nativeKernel(({ be, inputs, output }) => {
  const dy = input(inputs, 'dy');
  const gamma = input(inputs, 'gamma');
  const dx = output([...dy.shape]);
  const dgamma = output([...gamma.shape]);
  const dbeta = output([...gamma.shape]);
  addon().layerNormBackward(f32(be, dy), f32(be, input(inputs, 'xhat')), f32(be, input(inputs, 'rstd')), f32(be, gamma), f32(be, dx), f32(be, dgamma), f32(be, dbeta));
  return [dx, dgamma, dbeta];
});

const softmaxXentForward = nativeKernel(({ be, inputs, output }) => {
  const logits = input(inputs, 'logits');
  const loss = output([]);
  const probs = output([...logits.shape]);
  const value = addon().softmaxXentForward(f32(be, logits), i32(be, input(inputs, 'targets')), f32(be, input(inputs, 'weights')), f32(be, probs));
  f32(be, loss)[0] = value;
  return [loss, probs];
});

const softmaxXentBackward = nativeKernel(({ be, inputs, output }) => {
  const probs = input(inputs, 'probs');
  const dlogits = output([...probs.shape]);
  const weights = f32(be, input(inputs, 'weights'));
  let count = 0;
  for (let i = 0; i < weights.length; i++) count += weights[i]!;
  const dy = f32(be, input(inputs, 'dy'))[0]!;
  addon().softmaxXentBackward(f32(be, probs), i32(be, input(inputs, 'targets')), weights, dy / Math.max(count, 1e-30), f32(be, dlogits));
  return dlogits;
});

interface AttentionGeometry {
  batch: number;
  heads: number;
  lq: number;
  lk: number;
  dh: number;
  scale: number;
}

function attentionGeometry(attrs: NamedAttrMap | undefined): AttentionGeometry {
  return { batch: numberAttr(attrs, 'batch'), heads: numberAttr(attrs, 'heads'), lq: numberAttr(attrs, 'lq'), lk: numberAttr(attrs, 'lk'), dh: numberAttr(attrs, 'dh'), scale: numberAttr(attrs, 'scale') };
}

const attentionForward = nativeKernel(({ be, inputs, attrs, output }) => {
  const g = attentionGeometry(attrs);
  const q = input(inputs, 'q');
  const keyMask = inputs['keyMask'];
  const out = output([...q.shape]);
  const probs = output([g.batch, g.heads, g.lq, g.lk]);
  addon().attentionForward(f32(be, q), f32(be, input(inputs, 'k')), f32(be, input(inputs, 'v')), keyMask == null ? null : f32(be, keyMask), attrs?.['causal'] === true, g.batch, g.heads, g.lq, g.lk, g.dh, g.scale, f32(be, probs), f32(be, out));
  return [out, probs];
});

const attentionBackward = nativeKernel(({ be, inputs, attrs, output }) => {
  const g = attentionGeometry(attrs);
  const q = input(inputs, 'q');
  const k = input(inputs, 'k');
  const dq = output([...q.shape]);
  const dk = output([...k.shape]);
  const dv = output([...k.shape]);
  addon().attentionBackward(f32(be, input(inputs, 'dout')), f32(be, q), f32(be, k), f32(be, input(inputs, 'v')), f32(be, input(inputs, 'probs')), g.batch, g.heads, g.lq, g.lk, g.dh, g.scale, f32(be, dq), f32(be, dk), f32(be, dv));
  return [dq, dk, dv];
});

/** x [rows, in] · W ([in, out], or [out, in] with transposeW) + b [out], relu optional. */
function denseGeometry(x: TensorInfo, w: TensorInfo, transposeW: boolean): { rows: number; inputs: number; outputs: number } {
  const [rows, inputs] = x.shape as [number, number];
  return { rows, inputs, outputs: (transposeW ? w.shape[0] : w.shape[1]) as number };
}

const denseForward = nativeKernel(({ be, inputs, attrs, output }) => {
  const x = input(inputs, 'x');
  const w = input(inputs, 'w');
  const transposeW = attrs?.['transposeW'] === true;
  const g = denseGeometry(x, w, transposeW);
  const y = output([g.rows, g.outputs]);
  addon().denseForward(f32(be, x), f32(be, w), f32(be, input(inputs, 'b')), g.rows, g.inputs, g.outputs, transposeW, attrs?.['relu'] === true, f32(be, y));
  return y;
});

const denseBackward = nativeKernel(({ be, inputs, attrs, output }) => {
  const x = input(inputs, 'x');
  const w = input(inputs, 'w');
  const y = inputs['y'];
  const transposeW = attrs?.['transposeW'] === true;
  const g = denseGeometry(x, w, transposeW);
  const dx = output([...x.shape]);
  const dw = output([...w.shape]);
  const db = output([g.outputs]);
  addon().denseBackward(f32(be, input(inputs, 'dy')), f32(be, x), f32(be, w), y == null ? null : f32(be, y), g.rows, g.inputs, g.outputs, transposeW, f32(be, dx), f32(be, dw), f32(be, db));
  return [dx, dw, db];
});

/** ids [batch, length] into table [vocab, dim] plus positions [positionRows, dim]. */
function embeddingGeometry(ids: TensorInfo, table: TensorInfo, positions: TensorInfo): [number, number, number, number, number] {
  const [batch, length] = ids.shape as [number, number];
  const [vocab, dim] = table.shape as [number, number];
  return [batch, length, vocab, positions.shape[0] as number, dim];
}

const embeddingForward = nativeKernel(({ be, inputs, output }) => {
  const ids = input(inputs, 'ids');
  const table = input(inputs, 'table');
  const positions = input(inputs, 'positions');
  const g = embeddingGeometry(ids, table, positions);
  const out = output([g[0] * g[1], g[4]]);
  addon().embeddingForward(i32(be, ids), ...g, f32(be, table), f32(be, positions), f32(be, out));
  return out;
});

/** Needs only the shapes of table and positions (attributes), not their values. */
const embeddingBackward = nativeKernel(({ be, inputs, attrs, output }) => {
  const ids = input(inputs, 'ids');
  const [batch, length] = ids.shape as [number, number];
  const vocab = numberAttr(attrs, 'vocab');
  const positionRows = numberAttr(attrs, 'positionRows');
  const dim = numberAttr(attrs, 'dim');
  const dtable = output([vocab, dim]);
  const dpositions = output([positionRows, dim]);
  addon().embeddingBackward(f32(be, input(inputs, 'dy')), i32(be, ids), batch, length, vocab, positionRows, dim, f32(be, dtable), f32(be, dpositions));
  return [dtable, dpositions];
});

const KERNELS: Record<string, KernelFunc> = {
  [EMBEDDING]: embeddingForward,
  [EMBEDDING_GRAD]: embeddingBackward,
  [DENSE]: denseForward,
  [DENSE_GRAD]: denseBackward,
  [LAYER_NORM]: layerNormForward,
  [LAYER_NORM_GRAD]: layerNormBackward,
  [SOFTMAX_XENT]: softmaxXentForward,
  [SOFTMAX_XENT_GRAD]: softmaxXentBackward,
  [ATTENTION]: attentionForward,
  [ATTENTION_GRAD]: attentionBackward,
};

function registerAll(): void {
  for (const [kernelName, kernelFunc] of Object.entries(KERNELS)) {
    if (getKernel(kernelName, 'wasm') == null) registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}

/** Runs one of the kernels above; they exist only on wasm, so callers check `nativeKernels()` first. */
export function runNative(name: string, inputs: Record<string, tf.Tensor | undefined>, attrs: NamedAttrMap = {}): tf.Tensor[] {
  const present: Record<string, tf.Tensor> = {};
  for (const [key, value] of Object.entries(inputs)) if (value != null) present[key] = value;
  const result = tf.engine().runKernel(name, present as unknown as tf.NamedTensorMap, attrs);
  return Array.isArray(result) ? result : [result];
}
