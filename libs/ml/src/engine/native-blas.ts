// OpenBLAS for the wasm engine's matmuls, through our optional Node-API addon (libs/ml/native, built by
// scripts/build-native.js). sgemm takes the transposes directly and runs at ~100 GFLOP/s per core on our
// AVX-512 machines, against ~20 for XNNPACK in wasm. Everything here is optional: no addon, no OpenBLAS, or
// VERIFLOW_BLAS=off, and the engine keeps its wasm kernels, saying why.
import type { GemmAccelerator, GemmProblem } from './kernels/matmul-transposed.js';
import type { NativeAddon } from './native-addon.js';
import { loadNativeAddon } from './native-addon.js';

export interface NativeBlas {
  readonly ok: boolean;
  /** One line: what was loaded, or why not. */
  readonly reason: string;
  /** When OpenBLAS is missing rather than switched off: the command that would get it. */
  readonly fix?: string;
  readonly library?: string;
  readonly corename?: string;
  readonly threads?: number;
  readonly accelerator?: GemmAccelerator;
}

/** OpenBLAS threads per process: 1 unless VERIFLOW_BLAS_THREADS says otherwise (training steps run in parallel workers). */
export function blasThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['VERIFLOW_BLAS_THREADS'];
  if (raw === undefined || raw === '') return 1;
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`VERIFLOW_BLAS_THREADS must be a positive integer, got ${JSON.stringify(raw)}`);
  return threads;
}

function gemmAccelerator(addon: NativeAddon): GemmAccelerator {
  return {
    name: 'OpenBLAS sgemm',
    accepts: (problem: GemmProblem) => problem.m > 0 && problem.n > 0 && problem.k > 0,
    run: (problem, a, b, out, epilogue) =>
      addon.sgemmBatched(problem.transposeA, problem.transposeB, problem.m, problem.n, problem.k, a, b, out, problem.aBatchIndex, problem.bBatchIndex, epilogue?.bias ?? null, epilogue?.relu ?? false),
  };
}

let cached: NativeBlas | null = null;

/** Loads the addon and OpenBLAS once per thread (VERIFLOW_BLAS=off skips it). Never throws. */
export function loadNativeBlas(env: NodeJS.ProcessEnv = process.env): NativeBlas {
  if (cached != null) return cached;
  cached = load(env);
  return cached;
}

// Run from the repository root; both are what `npm run build` does.
const FETCH = 'node scripts/fetch-openblas.js (puts PyPI\'s scipy-openblas32 beside the addon; or: apt-get install libopenblas0)';
const COMPILE = 'install a C compiler (Debian: apt-get install gcc libc6-dev), then npm run build';

function load(env: NodeJS.ProcessEnv): NativeBlas {
  const { addon, reason } = loadNativeAddon(env);
  if (addon == null) return { ok: false, reason, ...(env['VERIFLOW_BLAS'] === 'off' ? {} : { fix: COMPILE }) };
  const status = addon.status();
  if (!status.ok) return { ok: false, reason: status.error ?? 'OpenBLAS not loaded', fix: FETCH };
  let threads: number;
  try {
    threads = blasThreads(env);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  addon.setThreads(threads);
  const corename = status.corename ?? 'unknown core';
  return {
    ok: true,
    reason: `${status.library}, ${corename} kernels, ${threads} thread${threads === 1 ? '' : 's'}`,
    ...(status.library ? { library: status.library } : {}),
    corename,
    threads,
    accelerator: gemmAccelerator(addon),
  };
}
