// The engine's short label ('wasm+openblas+fused', 'tensorflow', ...) and its prediction without starting a
// backend. Steps whose numbers depend on the engine declare the prediction as an environment fact, so the
// cache never hands results computed on one engine to a run on another (they round differently).
import { createRequire } from 'node:module';
import type { BackendName, DeviceRequest } from './backend.js';
import type { AddonLoad } from './native-addon.js';
import { loadNativeAddon } from './native-addon.js';
import { loadNativeBlas } from './native-blas.js';
import { noticeSlowerEngine } from './slower-engine-notice.js';

export function engineLabel(backend: BackendName, blas: boolean, fused: boolean): string {
  return [backend, blas ? 'openblas' : null, fused ? 'fused' : null].filter((part) => part != null).join('+');
}

/** The addon for the fused kernels, or why not (VERIFLOW_FUSED=off switches them off alone). */
export function fusedKernelsAddon(env: NodeJS.ProcessEnv = process.env): AddonLoad {
  if (env['VERIFLOW_FUSED'] === 'off') return { addon: null, reason: 'switched off (VERIFLOW_FUSED=off)' };
  return loadNativeAddon(env);
}

const resolvable = (specifier: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
};

/**
 * The label `initEngine({ device })` will report on this machine, from what is installed and the switches,
 * without loading a backend: the native TensorFlow packages it would try first (an installed one is taken to
 * load), then WebGPU for 'gpu' (it runs there or the step refuses), else wasm with OpenBLAS and the fused kernels where the addon loads. A step compares it with the
 * engine it got, and says so when they differ (e.g. an installed tfjs-node that fails to load).
 */
export function predictEngineLabel(device: DeviceRequest): string {
  // Planning asks once per model instance; installs and switches do not change within a process.
  let label = predicted.get(device);
  if (label === undefined) predicted.set(device, (label = predict(device)));
  return label;
}

const predicted = new Map<DeviceRequest, string>();

/**
 * Which code computes the dense layers' products, where that changes the numbers an engine label alone does
 * not tell apart: the small-matrix kernel sums in another order than OpenBLAS. Undefined where OpenBLAS does
 * them all (VERIFLOW_SMALL_GEMM=off, or the engines without the fused kernels), so those keys are the ones
 * results had before the kernel existed. Its AVX-512 and AVX2 builds give the same bits.
 */
export function predictDenseProducts(device: DeviceRequest): string | undefined {
  if (predictEngineLabel(device) !== engineLabel('wasm', true, true)) return undefined;
  const addon = fusedKernelsAddon().addon;
  return addon && addon.status().smallGemm !== 'off' ? SMALL_GEMM_NUMERICS : undefined;
}

/** Bump when the small-matrix kernel's summation order changes, so results cached under the old one are recomputed. */
const SMALL_GEMM_NUMERICS = 'small-matrix kernel 1';

function predict(device: DeviceRequest): string {
  const native = device === 'gpu' ? ['@tensorflow/tfjs-node-gpu'] : device === 'auto' ? ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] : ['@tensorflow/tfjs-node'];
  if (native.some(resolvable)) return 'tensorflow';
  if (device === 'gpu') return engineLabel('webgpu', false, false);
  const blas = loadNativeBlas();
  if (!blas.ok && blas.fix !== undefined) noticeSlowerEngine(blas.reason, blas.fix);
  return engineLabel('wasm', blas.ok, fusedKernelsAddon().addon != null);
}
