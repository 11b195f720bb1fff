import { Worker } from 'node:worker_threads';
import type { MetricPoint } from '../store/index.js';
import type { ContextSinks } from './step-context.js';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.js';

/** How long a step may take to wind down after an abort before its thread is terminated. */
const ABORT_GRACE_MS = 1500;

/**
 * Runs a step in a thread of its own. Unlike an inline step, it cannot block the scheduler, it runs in
 * parallel with other instances, and an abort (timeout, Ctrl-C) ends it for certain.
 */
export function runInWorker(request: WorkerRequest, signal: AbortSignal, metrics: Map<string, MetricPoint[]>, sinks: ContextSinks): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./step-worker.js', import.meta.url), { workerData: request });
    let settled = false;
    let killer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (killer) clearTimeout(killer);
      outcome();
      void worker.terminate();
    };
    const onAbort = (): void => {
      worker.postMessage({ type: 'abort', reason: String((signal.reason as Error | undefined)?.message ?? 'aborted') });
      killer = setTimeout(() => finish(() => reject(signal.reason)), ABORT_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'log':
          sinks.log(message.level, message.line);
          break;
        case 'metric': {
          const history = metrics.get(message.key) ?? [];
          history.push({ value: message.value, step: message.step });
          metrics.set(message.key, history);
          sinks.metric(message.key, message.value, message.step);
          break;
        }
        case 'progress':
          sinks.progress(message.fraction);
          break;
        case 'done':
          finish(() => resolve(message.values));
          break;
        case 'error':
          finish(() => reject(Object.assign(new Error(message.message), { stack: message.stack })));
          break;
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the step's worker thread exited with code ${code} before finishing`))));
  });
}
