import { Worker } from 'node:worker_threads';
import type { MetricPoint } from '../store/index.js';
import type { ContextSinks } from './step-context.js';
import type { ParentMessage, WorkerMessage, WorkerRequest } from './worker-protocol.js';

/** How long a step may take to wind down after an abort before its thread is terminated. */
const ABORT_GRACE_MS = 1500;
/** Idle threads kept for the next instance; more are started when more run at once. */
const MAX_IDLE = 8;

const idle: Worker[] = [];

function takeWorker(): Worker {
  const worker = idle.pop() ?? new Worker(new URL('./step-worker.js', import.meta.url));
  worker.ref();
  return worker;
}

/** An idle thread must not keep the process alive; one that was stopped mid-step is never reused. */
function returnWorker(worker: Worker): void {
  worker.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
  if (idle.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  worker.unref();
  worker.once('exit', () => idle.splice(idle.indexOf(worker) >>> 0, 1));
  idle.push(worker);
}

/**
 * Runs a step in a worker thread. Unlike an inline step, it cannot block the scheduler, it runs in
 * parallel with other instances, and an abort (timeout, Ctrl-C) ends it for certain.
 */
export function runInWorker(request: WorkerRequest, signal: AbortSignal, metrics: Map<string, MetricPoint[]>, sinks: ContextSinks): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const worker = takeWorker();
    let settled = false;
    let killer: NodeJS.Timeout | undefined;
    const finish = (reusable: boolean, outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (killer) clearTimeout(killer);
      if (reusable && !signal.aborted) returnWorker(worker);
      else void worker.terminate();
      outcome();
    };
    const onAbort = (): void => {
      worker.postMessage({ type: 'abort', reason: String((signal.reason as Error | undefined)?.message ?? 'aborted') } satisfies ParentMessage);
      killer = setTimeout(() => finish(false, () => reject(signal.reason)), ABORT_GRACE_MS);
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
          finish(true, () => resolve(message.values));
          break;
        case 'error':
          finish(true, () => reject(Object.assign(new Error(message.message), { stack: message.stack })));
          break;
      }
    });
    worker.on('error', (error) => finish(false, () => reject(error)));
    worker.on('exit', (code) => finish(false, () => reject(new Error(`the step's worker thread exited with code ${code} before finishing`))));
    worker.postMessage({ type: 'run', request } satisfies ParentMessage);
  });
}
