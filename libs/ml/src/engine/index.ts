// The tensor engine for training code: tfjs-core on the best backend this host has (see backend.ts), with our
// wasm kernels for what tfjs-backend-wasm 4.22 lacks or runs slowly (see kernels/), and tfjs's gradients and
// chained ops, which tfjs-core's Node bundle leaves out (see gradients.ts). Call `initEngine` before `tf.grad`.
//
//   const engine = await initEngine({ device: 'auto' });   // record `engine` in the run's provenance
//   const loss = tf.tidy(() => ...);
import * as tf from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type { StepContext } from '@veriflow/step-api';
import type { BackendDecision, DeviceRequest, SelectBackendOptions } from './backend.js';
import { selectBackend } from './backend.js';
import type { GradientRegistration } from './gradients.js';
import { ensureGradients } from './gradients.js';
import { registerFastGather } from './kernels/gather.js';
import { registerSharingIdentity } from './kernels/identity.js';
import { registerLeadingSum } from './kernels/sum-leading.js';
import { registerFastMatMul, setGemmAccelerator } from './kernels/matmul-transposed.js';
import type { NativeBlas } from './native-blas.js';
import { loadNativeBlas } from './native-blas.js';
import { noticeSlowerEngine } from './slower-engine-notice.js';
import { engineLabel, fusedKernelsAddon } from './engine-label.js';
import { setNativeKernels } from './fused/native-kernels.js';
import { unsortedSegmentSumWasmConfig } from './kernels/unsorted-segment-sum.js';
import { warnOnEngineMismatch } from './step-environment.js';

export { tf };
export { selectBackend, wasmBinaryDir, BackendUnavailableError } from './backend.js';
export type { BackendAttempt, BackendCandidate, BackendDecision, BackendName, DeviceRequest, SelectBackendOptions } from './backend.js';
export { ensureGradients } from './gradients.js';
export type { GradientRegistration } from './gradients.js';
export { setGemmAccelerator, setMatMulFastPath, matMulStats } from './kernels/matmul-transposed.js';
export type { GemmAccelerator, GemmProblem, MatMulStats } from './kernels/matmul-transposed.js';
export { blasThreads, loadNativeBlas } from './native-blas.js';
export { adamUpdate } from './adam.js';
export { maskedCrossEntropy } from './fused/cross-entropy.js';
export { layerNorm } from './fused/layer-norm.js';
export type { LayerNormOptions } from './fused/layer-norm.js';
export { attention, MASKED } from './fused/attention.js';
export { dense } from './fused/dense.js';
export { embedding } from './fused/embedding.js';
export type { DenseOptions } from './fused/dense.js';
export type { AttentionShape } from './fused/attention.js';
export { nativeKernels } from './fused/native-kernels.js';
export { predictEngineLabel } from './engine-label.js';
export { gpuFailureMessage } from './backend.js';
export { probeAdapter } from './webgpu/dawn.js';
export { probeHost } from './webgpu/host-probes.js';
export type { HostFacts, IcdFile } from './webgpu/host-probes.js';
export { describeMissing, diagnoseGpu } from './webgpu/diagnosis.js';
export type { AdapterFact, GpuDiagnosis, MissingPiece } from './webgpu/diagnosis.js';
export { engineEnvironment, warnOnEngineMismatch } from './step-environment.js';
export type { AdamStep, AdamTensors } from './adam.js';
export type { NativeBlas } from './native-blas.js';

export interface EngineDecision extends BackendDecision {
  /** What our kernel registration did, one line per kernel (registration is for the wasm backend only). */
  kernels: string[];
  /** Where the gradients and chained ops came from (tfjs-core's Node bundle has neither; see gradients.ts). */
  gradients: GradientRegistration;
  /** Whether wasm matmuls go to OpenBLAS (only ever with the wasm backend), and why (not). */
  blas: { used: boolean; reason: string; corename?: string; threads?: number };
  /**
   * Whether the fused native kernels (dense, LayerNorm, attention, cross-entropy, Adam) replace their op-by-op forms
   * (only ever with the wasm backend), and why (not).
   */
  fused: {
    used: boolean;
    reason: string;
    /** The build of the kernels this CPU runs ('avx512f', 'avx2', 'default'), chosen by CPU feature at load time. */
    clone?: string;
    /** The build of the small-matrix kernel the dense layers' products run on ('avx512f', 'avx2'), or 'off' (OpenBLAS). */
    smallGemm?: string;
  };
  /** Short name for outputs and tables: 'tensorflow', 'cpu', or 'wasm' with what the addon adds ('wasm+openblas+fused'). */
  label: string;
}

export interface InitEngineOptions extends SelectBackendOptions {
  /** Route wasm matmuls to OpenBLAS when the native addon and the library load (default true). */
  blas?: boolean;
  /**
   * Use the native addon's fused kernels (default true; VERIFLOW_FUSED=off also switches them off). Numbers
   * differ from the op-by-op form in the last bits, so runs compare only under the same engine label.
   */
  fused?: boolean;
}

let kernelReport: string[] | null = null;

/** Registers our wasm kernels once per process; returns what was done. */
export function registerEngineKernels(): string[] {
  if (kernelReport != null) return kernelReport;
  const report: string[] = [];
  if (getKernel(UnsortedSegmentSum, 'wasm') == null) {
    registerKernel(unsortedSegmentSumWasmConfig);
    report.push('UnsortedSegmentSum (wasm): registered (JS scatter-add on the wasm heap)');
  } else {
    report.push('UnsortedSegmentSum (wasm): already provided, kept');
  }
  const gather = registerFastGather();
  report.push(`GatherV2 (wasm): ${gather.ok ? 'slice copies (stock kernel is per-element)' : `stock kernel kept: ${gather.detail}`}`);
  const identity = registerSharingIdentity();
  report.push(`Identity (wasm): ${identity.ok ? identity.detail : `stock kernel kept: ${identity.detail}`}`);
  const sum = registerLeadingSum();
  report.push(`Sum (wasm): ${sum.ok ? sum.detail : `stock kernel kept: ${sum.detail}`}`);
  const mm = registerFastMatMul();
  report.push(`BatchMatMul (wasm): ${mm.ok ? 'XNNPACK for transposed and batched products' : `stock kernel kept: ${mm.detail}`}`);
  kernelReport = report;
  return report;
}

/**
 * Selects the backend (see `selectBackend`), registers our kernels and tfjs's gradients once, and returns the
 * decision (record it with the run).
 */
export async function initEngine(options: InitEngineOptions = { device: 'auto' }): Promise<EngineDecision> {
  const kernels = registerEngineKernels();
  const gradients = await ensureGradients();
  const decision = await selectBackend(options);
  const blas = decideBlas(decision, options.blas ?? true);
  const fused = decideFused(decision, options.fused ?? true);
  const label = engineLabel(decision.name, blas.used, fused.used);
  const base = blas.used ? `wasm+OpenBLAS (${blas.reason}): ${decision.detail.replace(/^wasm: /, '')}` : `${decision.detail}; OpenBLAS not used: ${blas.reason}`;
  const detail = `${base}; ${fused.used ? `fused native kernels (embedding, dense, LayerNorm, attention, cross-entropy, Adam; ${fused.clone} build)` : `fused native kernels not used: ${fused.reason}`}`;
  return { ...decision, detail, kernels, gradients, blas, fused, label };
}

function decideFused(decision: BackendDecision, wanted: boolean): EngineDecision['fused'] {
  setNativeKernels(null);
  // The fused kernels work on the wasm heap; on WebGPU each fused op runs its op-by-op tfjs composition.
  if (decision.name === 'webgpu') return { used: false, reason: 'webgpu runs the op-by-op forms (the fused kernels are wasm-heap native code)' };
  if (decision.name !== 'wasm') return { used: false, reason: `only for the wasm backend (this is ${decision.name})` };
  if (!wanted) return { used: false, reason: 'not requested' };
  const { addon, reason } = fusedKernelsAddon();
  if (addon == null) return { used: false, reason };
  // Dense and attention call sgemm: loading OpenBLAS here holds it to VERIFLOW_BLAS_THREADS even when the
  // wasm matmuls do not use it.
  const blas = loadNativeBlas();
  setNativeKernels(addon, blas.ok);
  const { clone, smallGemm } = addon.status();
  return { used: true, reason: `native addon loaded, ${clone} build${blas.ok ? '' : ` (dense and attention keep their op-by-op forms: ${blas.reason})`}`, clone, smallGemm };
}

function decideBlas(decision: BackendDecision, wanted: boolean): EngineDecision['blas'] {
  setGemmAccelerator(null);
  if (decision.name !== 'wasm') return { used: false, reason: `only for the wasm backend (this is ${decision.name})` };
  if (!wanted) return { used: false, reason: 'not requested' };
  const native: NativeBlas = loadNativeBlas();
  if (!native.ok || native.accelerator == null) {
    if (native.fix !== undefined) noticeSlowerEngine(native.reason, native.fix);
    return { used: false, reason: native.reason };
  }
  setGemmAccelerator(native.accelerator);
  return { used: true, reason: native.reason, ...(native.corename ? { corename: native.corename } : {}), ...(native.threads ? { threads: native.threads } : {}) };
}

export interface LeakCheckOptions {
  /** Tensors `fn` may leave behind on purpose (e.g. the ones it returns). Default 0. */
  allowed?: number;
  label?: string;
}

function checkLeak(before: number, options: LeakCheckOptions): void {
  const after = tf.memory().numTensors;
  const allowed = options.allowed ?? 0;
  if (after - before !== allowed) {
    const what = options.label ? ` in ${options.label}` : '';
    throw new Error(
      `tensor leak${what}: tf.memory().numTensors went ${before} → ${after} (${after - before >= 0 ? '+' : ''}${after - before}, allowed ${allowed})`,
    );
  }
}

/**
 * Runs `fn` and throws if it changed `tf.memory().numTensors` (by other than `allowed`). Async functions are
 * awaited before the check. An exception from `fn` propagates unchecked.
 */
export function assertNoTensorLeak<T>(fn: () => Promise<T>, options?: LeakCheckOptions): Promise<T>;
export function assertNoTensorLeak<T>(fn: () => T, options?: LeakCheckOptions): T;
export function assertNoTensorLeak<T>(fn: () => T | Promise<T>, options: LeakCheckOptions = {}): T | Promise<T> {
  const before = tf.memory().numTensors;
  const result = fn();
  if (result instanceof Promise) {
    return result.then((value) => {
      checkLeak(before, options);
      return value;
    });
  }
  checkLeak(before, options);
  return result;
}

/** A model step's engine: chosen, named in its log, and checked against the engine its cache key assumed. */
export async function initStepEngine(ctx: Pick<StepContext<unknown>, 'log'>, device: DeviceRequest): Promise<EngineDecision> {
  const engine = await initEngine({ device });
  ctx.log.info(`engine: ${engine.detail}`);
  warnOnEngineMismatch(ctx, device, engine.label);
  return engine;
}
