// Adam with global-norm clipping as loops over the wasm heap. Written with tfjs ops it is ~15 kernels per
// parameter tensor (~700 per step of our small transformer), and at that size each kernel's fixed cost is most
// of the work. On the wasm backend the update runs in place over every parameter in one pass (in the native
// addon's vectorised loop when it is loaded, else in JavaScript); elsewhere (the native tensorflow backend,
// cpu) it uses the same tfjs ops it always did. Every path computes the same thing: the tests hold them to
// each other.
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernels } from './fused/native-kernels.js';
import type { WasmBackendLike } from './kernels/wasm-internals.js';
import { heapF32, tensorData, wasmInternals } from './kernels/wasm-internals.js';

export interface AdamStep {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ): the bias-corrected step size. */
  readonly stepSize: number;
  /** Global gradient-norm clip; 0: none. */
  readonly clip: number;
}

export interface AdamTensors {
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly m: readonly tf.Variable[];
  readonly v: readonly tf.Variable[];
}

interface RefCounted {
  refCount?: number;
}

/** The wasm backend when every tensor lives there as float32 and no parameter shares its memory; else null. */
function inPlaceBackend(t: AdamTensors): WasmBackendLike | null {
  if (tf.getBackend() !== 'wasm') return null;
  const be = wasmInternals(tf.backend());
  if (be == null) return null;
  for (const group of [t.params, t.grads, t.m, t.v]) {
    for (const x of group) {
      if (x.dtype !== 'float32') return null;
      const data = be.dataIdMap.get(x.dataId) as (ReturnType<WasmBackendLike['dataIdMap']['get']> & RefCounted) | undefined;
      if (data == null) return null;
      // Writing in place is only invisible when nothing else holds this memory.
      if (group !== t.grads && data.refCount !== undefined && data.refCount !== 1) return null;
    }
  }
  return be;
}

/**
 * Applies one clipped Adam update to `params` (and the moments `m`, `v`) from `grads`; returns the global
 * gradient norm before clipping: a number on wasm (summed on the heap), else a scalar tensor for the caller to
 * read (and dispose) with its other end-of-step reads, so a GPU backend is never stalled mid-step to read it.
 * Call it outside `tf.tidy` results you still need: on wasm the variables change in place.
 */
export function adamUpdate(t: AdamTensors, step: AdamStep): number | tf.Scalar {
  if (t.params.length !== t.grads.length || t.params.length !== t.m.length || t.params.length !== t.v.length) {
    throw new Error(`adamUpdate: ${t.params.length} params, ${t.grads.length} grads, ${t.m.length} m, ${t.v.length} v`);
  }
  t.params.forEach((p, i) => {
    if (t.grads[i]!.size !== p.size) throw new Error(`adamUpdate: gradient ${i} has ${t.grads[i]!.size} values for a parameter of ${p.size}`);
  });
  const be = inPlaceBackend(t);
  return be != null ? adamInPlace(be, t, step) : adamWithOps(t, step);
}

function adamInPlace(be: WasmBackendLike, t: AdamTensors, s: AdamStep): number {
  const view = (x: tf.Tensor) => heapF32(be, tensorData(be, x).memoryOffset, x.size);
  const addon = nativeKernels();
  let sumSquares = 0;
  for (const g of t.grads) {
    const values = view(g);
    if (addon != null) sumSquares += addon.sumSquares(values);
    else for (let j = 0; j < values.length; j++) sumSquares += values[j]! * values[j]!;
  }
  const norm = Math.sqrt(sumSquares);
  const scale = s.clip > 0 ? s.clip / Math.max(norm, s.clip) : 1;
  const { beta1, beta2, epsilon, stepSize } = s;
  if (addon != null) {
    t.params.forEach((param, i) => {
      addon.adam(view(param), view(t.grads[i]!), view(t.m[i]!), view(t.v[i]!), scale, beta1, beta2, epsilon, stepSize);
      forgetCachedOperators(be, param);
    });
    return norm;
  }
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  t.params.forEach((param, i) => {
    const p = view(param);
    const g = view(t.grads[i]!);
    const m = view(t.m[i]!);
    const v = view(t.v[i]!);
    for (let j = 0; j < p.length; j++) {
      const gj = g[j]! * scale;
      const mj = beta1 * m[j]! + a1 * gj;
      const vj = beta2 * v[j]! + a2 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      p[j] = p[j]! - (stepSize * mj) / (Math.sqrt(vj) + epsilon);
    }
    forgetCachedOperators(be, param);
  });
  return norm;
}

/**
 * The wasm backend's C++ side caches packed operators (XNNPACK weights, fused biases) under a tensor's id,
 * trusting that tensors never change. After writing a parameter in place, drop and re-register its id so no
 * kernel reuses weights packed from the old values. (Our own matmul kernels never hit that cache; the stock
 * ones, e.g. with the fast path switched off or in a convolution, do.)
 */
function forgetCachedOperators(be: WasmBackendLike, x: tf.Tensor): void {
  const data = tensorData(be, x);
  be.wasm.tfjs.disposeData(data.id);
  be.wasm.tfjs.registerTensor(data.id, x.size, data.memoryOffset);
}

// The clip scale stays a tensor (clip / max(norm, clip), in float32 like the read norm it replaces), so the
// whole update is queued without reading anything back.
function adamWithOps(t: AdamTensors, s: AdamStep): tf.Scalar {
  // A chain of adds, not addN: webgpu's AddN binds every input to one shader, and past the device's storage
  // buffer limit (8 on lavapipe) Dawn rejects the command buffer, dropping the whole step's work silently.
  // Over float32 scalars the chain adds in addN's order, so the CPU engines' norms are unchanged.
  const norm = tf.tidy(() => tf.sqrt(t.grads.map((g) => tf.sum(tf.square(g))).reduce((sum, x) => tf.add(sum, x))) as tf.Scalar);
  tf.tidy(() => {
    const scale = s.clip > 0 ? tf.div(s.clip, tf.maximum(norm, s.clip)) : tf.scalar(1);
    t.params.forEach((p, i) => {
      const g = tf.mul(t.grads[i]!, scale);
      const m = t.m[i]!;
      const v = t.v[i]!;
      m.assign(tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1)));
      v.assign(tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2)));
      p.assign(tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), s.epsilon)), s.stepSize)));
    });
  });
  return norm;
}
