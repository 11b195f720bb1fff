// Loads the optional native addon (libs/ml/native, built by scripts/build-native.js) once per thread. It holds
// OpenBLAS's sgemm (native-blas.ts) and our fused training kernels (fused/), all working on Float32Array views
// of the wasm heap. Optional by design: when it is missing or switched off (VERIFLOW_BLAS=off), callers get
// the reason and the engine keeps its wasm kernels.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon's functions (libs/ml/native/addon.c); each throws on a length that does not match its sizes. */
export interface NativeAddon {
  sgemmBatched(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    aIndex: Int32Array,
    bIndex: Int32Array,
    bias?: Float32Array | null,
    relu?: boolean,
  ): void;
  /** Threads the kernels split their work over (sgemm products included; OpenBLAS then runs 1 thread inside each part). */
  setThreads(threads: number): void;
  /**
   * Whether OpenBLAS loaded (the fused kernels other than dense and attention work without it), and which build
   * of the fused kernels this CPU runs ('avx512f', 'avx2' or 'default', picked by CPU feature at load time);
   * `smallGemm`: the build of the small-matrix product kernel the dense layers use ('off': OpenBLAS does them all).
   */
  status(): { ok: boolean; error?: string; library?: string; corename?: string; threads?: number; kernelThreads: number; clone: string; smallGemm: 'avx512f' | 'avx2' | 'off' };
  layerNormForward(x: Float32Array, residual: Float32Array | null, gamma: Float32Array, beta: Float32Array, epsilon: number, y: Float32Array, xhat: Float32Array, rstd: Float32Array): void;
  layerNormBackward(dy: Float32Array, xhat: Float32Array, rstd: Float32Array, gamma: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void;
  /** Returns the weighted mean cross-entropy; writes the softmax to `probs`. */
  softmaxXentForward(logits: Float32Array, targets: Int32Array, weights: Float32Array, probs: Float32Array): number;
  /** dlogits = (p − onehot)·wᵢ·scale. */
  softmaxXentBackward(probs: Float32Array, targets: Int32Array, weights: Float32Array, scale: number, dlogits: Float32Array): void;
  attentionForward(q: Float32Array, k: Float32Array, v: Float32Array, keyMask: Float32Array | null, causal: boolean, batch: number, heads: number, lq: number, lk: number, dh: number, scale: number, probs: Float32Array, out: Float32Array): void;
  attentionBackward(dout: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, probs: Float32Array, batch: number, heads: number, lq: number, lk: number, dh: number, scale: number, dq: Float32Array, dk: Float32Array, dv: Float32Array): void;
  denseForward(x: Float32Array, w: Float32Array, b: Float32Array, rows: number, inputs: number, outputs: number, transposeW: boolean, relu: boolean, y: Float32Array): void;
  /** `y` (the relu output) masks dy; null without relu. */
  denseBackward(dy: Float32Array, x: Float32Array, w: Float32Array, y: Float32Array | null, rows: number, inputs: number, outputs: number, transposeW: boolean, dx: Float32Array, dw: Float32Array, db: Float32Array): void;
  embeddingForward(ids: Int32Array, batch: number, length: number, vocab: number, positionRows: number, dim: number, table: Float32Array, positions: Float32Array, out: Float32Array): void;
  embeddingBackward(dy: Float32Array, ids: Int32Array, batch: number, length: number, vocab: number, positionRows: number, dim: number, dtable: Float32Array, dpositions: Float32Array): void;
  sumSquares(x: Float32Array): number;
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, gradScale: number, beta1: number, beta2: number, epsilon: number, stepSize: number): void;
}

export type AddonLoad = { addon: NativeAddon; reason: string } | { addon: null; reason: string };

export const ADDON_PATH = fileURLToPath(new URL('../native/veriflow-native.node', import.meta.url));

let cached: AddonLoad | null = null;

/** The addon, or why not (VERIFLOW_BLAS=off switches it off). Never throws. */
export function loadNativeAddon(env: NodeJS.ProcessEnv = process.env): AddonLoad {
  if (cached != null) return cached;
  cached = load(env);
  return cached;
}

function load(env: NodeJS.ProcessEnv): AddonLoad {
  if (env['VERIFLOW_BLAS'] === 'off') return { addon: null, reason: 'switched off (VERIFLOW_BLAS=off)' };
  if (!existsSync(ADDON_PATH)) return { addon: null, reason: 'native addon not built (needs a C compiler at build time: see scripts/build-native.js)' };
  try {
    return { addon: createRequire(import.meta.url)(ADDON_PATH) as NativeAddon, reason: 'loaded' };
  } catch (error) {
    return { addon: null, reason: `native addon failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}
