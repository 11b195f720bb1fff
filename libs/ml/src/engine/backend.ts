// Chooses the tfjs backend and records why, for provenance.
//
// Order: the native TensorFlow bindings (`@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`) when present —
// they are never dependencies (their install downloads libtensorflow, and the GPU build wants CUDA 11), so they
// are only ever reached through a dynamic import inside try/catch — then WebGPU on Dawn (webgpu/dawn.ts) for
// device 'gpu' only ('auto' does not take it; tfjs-backend-webgpu cannot read tensors synchronously under Node,
// its readSync draws through OffscreenCanvas, so code that runs there reads with `await t.data()`) — then the wasm backend (SIMD, XNNPACK; ~30× the pure-JS backend), then the pure-JS `cpu` backend.
//
// Findings for tfjs-backend-wasm 4.22 on Node 20 (see the tests):
// - The wasm binaries are read from disk with `fs` (no fetch): by default from the directory of the package's
//   node bundle. We still set the path explicitly (a plain directory path with a trailing separator; a
//   `file://` URL works too) so that bundling our code cannot break it. `usePlatformFetch` must stay false:
//   Node's fetch cannot read file: URLs.
// - Threads: the `WASM_HAS_MULTITHREAD_SUPPORT` flag is hard-wired to false under Node, so the single-threaded
//   SIMD binary is used and `setThreadsCount` has no effect (getThreadsCount() = 1). Forcing the flag makes the
//   backend fail to initialise: emscripten starts its pthread workers from `blob:` URLs, which
//   `worker_threads.Worker` rejects (ERR_WORKER_PATH).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { activateWebGpu } from './webgpu/dawn.js';
import type { AdapterFact } from './webgpu/diagnosis.js';
import { describeMissing, diagnoseGpu } from './webgpu/diagnosis.js';
import { probeHost } from './webgpu/host-probes.js';

export type DeviceRequest = 'auto' | 'cpu' | 'gpu';
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendCandidate = 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendAttempt {
  candidate: BackendCandidate;
  ok: boolean;
  /** Why it was taken or rejected, one line. */
  reason: string;
  ms: number;
}

export interface BackendDecision {
  name: BackendName;
  gpu: boolean;
  /** One line for logs and run records. */
  detail: string;
  requested: DeviceRequest;
  /** A GPU was asked for (allowFallback: true) and not obtained. */
  fellBack: boolean;
  attempts: BackendAttempt[];
  versions: { tfjsCore: string; tfjsBackendWasm: string; tfjsBackendCpu: string };
  wasm?: { simd: boolean; threads: number; binary: string; wasmDir: string };
  /** The Dawn adapter the webgpu backend runs on. */
  webgpu?: { adapter: string; software: boolean };
}

export interface SelectBackendOptions {
  device: DeviceRequest;
  /** With device 'gpu': fall back to the CPU order instead of throwing when no GPU backend is usable. */
  allowFallback?: boolean;
  /** Try the native tfjs-node(-gpu) bindings at all (default true). */
  native?: boolean;
  /**
   * Let the webgpu backend run on a software adapter (Mesa's lavapipe), to exercise the GPU path on a CPU
   * machine. Default: whether VERIFLOW_WEBGPU_ALLOW_SOFTWARE=1 (see SOFTWARE_ADAPTER_SWITCH).
   */
  softwareAdapter?: boolean;
  /** How modules are imported (tests substitute this). Defaults to a dynamic `import()`. */
  importModule?: (specifier: string) => Promise<unknown>;
}

/** device: 'gpu' could not be honoured. `attempts` says what was tried. */
export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: BackendAttempt[],
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

type NativeCandidate = 'tfjs-node-gpu' | 'tfjs-node';

const NATIVE_MODULE: Record<NativeCandidate, string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

const defaultImport = (specifier: string): Promise<unknown> => import(specifier);

/** The opt-in that lets runs (not only tests) take a software WebGPU adapter; slow, for checking the GPU path. */
export const SOFTWARE_ADAPTER_SWITCH = 'VERIFLOW_WEBGPU_ALLOW_SOFTWARE';

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim();
}

function describeImportError(specifier: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `${specifier} is not installed`;
  return `${specifier} failed to load: ${firstLine(error)}`;
}

interface NativeBackendLike {
  isUsingGpuDevice?: boolean;
}

/** The package whose import registered the 'tensorflow' backend in this process. */
let nativeRegisteredBy: string | null = null;

async function tryNative(
  candidate: NativeCandidate,
  importModule: (specifier: string) => Promise<unknown>,
  requireGpu: boolean,
): Promise<{ ok: boolean; reason: string; gpu: boolean }> {
  let specifier = NATIVE_MODULE[candidate];
  if (tf.findBackendFactory('tensorflow') == null) {
    try {
      await importModule(specifier);
    } catch (error) {
      return { ok: false, reason: describeImportError(specifier, error), gpu: false };
    }
    if (tf.findBackendFactory('tensorflow') == null) {
      return {
        ok: false,
        reason:
          `${specifier} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs-core ` +
          `(${tf.version_core}): it brought its own tfjs-core copy; install the version matching ${tf.version_core}`,
        gpu: false,
      };
    }
    nativeRegisteredBy = specifier;
  } else {
    specifier = nativeRegisteredBy ?? "an earlier import's 'tensorflow' backend";
  }
  let initialised = false;
  try {
    initialised = await tf.setBackend('tensorflow');
  } catch (error) {
    return { ok: false, reason: `${specifier}: backend failed to initialise: ${firstLine(error)}`, gpu: false };
  }
  if (!initialised) return { ok: false, reason: `${specifier}: backend failed to initialise`, gpu: false };
  const gpu = (tf.backend() as unknown as NativeBackendLike).isUsingGpuDevice === true;
  if (requireGpu && !gpu) {
    return {
      ok: false,
      reason: `${specifier} loaded but TensorFlow sees no GPU device (CUDA 11.x / cuDNN 8 libraries missing or no driver)`,
      gpu: false,
    };
  }
  return { ok: true, reason: `${specifier} loaded${gpu ? ', GPU device in use' : ', CPU only'}`, gpu };
}

let wasmDirSet: string | null = null;

/** Directory of the installed tfjs-backend-wasm binaries (with a trailing separator). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
}

async function tryWasm(): Promise<{ ok: boolean; reason: string; info?: BackendDecision['wasm'] }> {
  let dir: string;
  try {
    dir = wasmDirSet ?? wasmBinaryDir();
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm not resolvable: ${firstLine(error)}` };
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  // Under Node the flag is always false (see the header), so this is the binary that will load.
  const threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const binary = simd ? (threaded ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm') : 'tfjs-backend-wasm.wasm';
  if (!existsSync(join(dir, binary))) return { ok: false, reason: `${binary} not found in ${dir}` };
  if (wasmDirSet == null) {
    try {
      setWasmPaths(dir);
      wasmDirSet = dir;
    } catch (error) {
      // Thrown only when an earlier initialisation aborted; the path in use stays.
      return { ok: false, reason: `setWasmPaths: ${firstLine(error)}` };
    }
  }
  let initialised = false;
  try {
    initialised = await tf.setBackend('wasm');
  } catch (error) {
    return { ok: false, reason: `wasm backend failed to initialise: ${firstLine(error)}` };
  }
  if (!initialised) return { ok: false, reason: 'wasm backend failed to initialise (see the warning above)' };
  const threads = getThreadsCount();
  return {
    ok: true,
    reason: `${binary}, ${threads} thread${threads === 1 ? '' : 's'}`,
    info: { simd, threads, binary, wasmDir: dir },
  };
}

async function tryCpu(): Promise<{ ok: boolean; reason: string }> {
  const initialised = await tf.setBackend('cpu');
  return initialised ? { ok: true, reason: 'pure-JS backend' } : { ok: false, reason: 'cpu backend failed to initialise' };
}

/** The refusal of device 'gpu': what was tried, what the host lacks for WebGPU and how to get it. */
export function gpuFailureMessage(attempts: readonly BackendAttempt[], adapter: AdapterFact): string {
  return [
    "device: 'gpu' was requested but no GPU backend is usable.",
    'Tried:',
    ...attempts.map((a) => `  - ${a.candidate}: ${a.reason}`),
    'Missing for the WebGPU engine:',
    ...describeMissing(diagnoseGpu(probeHost(), adapter)).map((line) => `  - ${line}`),
    "Or run on the CPU: give the step device: 'auto' or 'cpu' (in a workflow whose steps take a `device` param:",
    "--set device=auto); from code, initEngine({ device: 'gpu', allowFallback: true }) falls back and records it.",
  ].join('\n');
}


/** Selects and activates the tfjs backend for `device`; see the header for the order. */
export async function selectBackend(options: SelectBackendOptions): Promise<BackendDecision> {
  const { device, allowFallback = false, native = true, importModule = defaultImport } = options;
  const attempts: BackendAttempt[] = [];
  const timed = async <R extends { ok: boolean; reason: string }>(candidate: BackendCandidate, run: () => Promise<R>) => {
    const start = performance.now();
    const result = await run();
    attempts.push({ candidate, ok: result.ok, reason: result.reason, ms: Math.round(performance.now() - start) });
    return result;
  };
  const decide = (name: BackendName, gpu: boolean, extra: Partial<BackendDecision> = {}): BackendDecision => {
    const rejected = attempts.filter((a) => !a.ok).map((a) => `${a.candidate}: ${a.reason}`);
    const chosen = attempts[attempts.length - 1];
    // A software WebGPU adapter is taken only when a test asks for it: not a fallback.
    const fellBack = device === 'gpu' && !gpu && name !== 'webgpu';
    const software = options.softwareAdapter === undefined ? ` (software adapter, allowed by ${SOFTWARE_ADAPTER_SWITCH}=1)` : ' (software adapter)';
    const detail =
      `${name}${gpu ? ' (GPU)' : name === 'webgpu' ? software : ''}: ${chosen?.reason ?? ''}` +
      (fellBack ? ' [fell back from device gpu]' : '') +
      (rejected.length > 0 ? `; rejected ${rejected.join('; ')}` : '');
    return {
      name,
      gpu,
      detail,
      requested: device,
      fellBack,
      attempts,
      versions: { tfjsCore: tf.version_core, tfjsBackendWasm: version_wasm, tfjsBackendCpu: version_cpu },
      ...extra,
    };
  };

  const softwareAdapter = options.softwareAdapter ?? process.env[SOFTWARE_ADAPTER_SWITCH] === '1';
  const webgpu = async () => {
    const r = await timed('webgpu', () => activateWebGpu(softwareAdapter));
    const info = r.ok && r.fact.kind !== 'none' && r.fact.kind !== 'package-missing' ? { adapter: r.fact.description, software: r.fact.kind === 'software' } : undefined;
    return { ...r, decision: info ? decide('webgpu', !info.software, { webgpu: info }) : null };
  };
  if (device === 'gpu') {
    const r = await timed('tfjs-node-gpu', () => tryNative('tfjs-node-gpu', importModule, true));
    if (r.ok) return decide('tensorflow', true);
    const w = await webgpu();
    if (w.decision) return w.decision;
    if (!allowFallback) throw new BackendUnavailableError(gpuFailureMessage(attempts, w.fact), attempts);
  }
  if (native) {
    // After a failed GPU attempt only the CPU package is left to try (if tfjs-node-gpu did load, without a
    // GPU, its backend is already registered and is reused).
    const candidates: NativeCandidate[] = device === 'auto' ? ['tfjs-node-gpu', 'tfjs-node'] : ['tfjs-node'];
    for (const candidate of candidates) {
      const r = await timed(candidate, () => tryNative(candidate, importModule, false));
      if (r.ok) return decide('tensorflow', r.gpu);
    }
  }
  const w = await timed('wasm', tryWasm);
  if (w.ok) return decide('wasm', false, w.info ? { wasm: w.info } : {});
  const c = await timed('cpu', tryCpu);
  if (c.ok) return decide('cpu', false);
  throw new BackendUnavailableError(`no tfjs backend could be initialised:\n${attempts.map((a) => `  - ${a.candidate}: ${a.reason}`).join('\n')}`, attempts);
}
