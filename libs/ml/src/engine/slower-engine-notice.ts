// The one line a run prints when its engine is slower than this machine could give it: the wasm backend
// without OpenBLAS because the library or the addon is missing (not because VERIFLOW_BLAS=off asked for it).
// Measured on the transformer bench, that is about 4x slower, which nobody should find out by accident.
import { isMainThread } from 'node:worker_threads';

let said = false;

/**
 * Writes `veriflow: warning: …` with the command that fixes it to stderr, once per process and only on the
 * main thread: it decides the engine while planning (the cache key names it), so each worker that trains
 * need not repeat it; their step logs carry the engine's detail.
 */
export function noticeSlowerEngine(reason: string, fix: string): void {
  if (said || !isMainThread) return;
  said = true;
  process.stderr.write(`veriflow: warning: ${reason}, so the engine runs without OpenBLAS, several times slower than this machine allows. Fix: ${fix}; or set VERIFLOW_BLAS=off to choose this engine.\n`);
}
