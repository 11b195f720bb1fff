/**
 * Runs one step instance in a worker thread. The parent sends the context's data; everything the step
 * reports (logs, metrics, progress, the result) comes back as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyStepDefinition } from '@veriflow/step-api';
import { createStepContext } from './step-context.js';
import type { WorkerRequest, WorkerMessage } from './worker-protocol.js';

const request = workerData as WorkerRequest;
const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);
const controller = new AbortController();
port.on('message', (message: { type: 'abort'; reason: string }) => {
  if (message.type === 'abort') controller.abort(new Error(message.reason));
});

try {
  const module = (await import(request.module)) as { steps?: readonly AnyStepDefinition[]; default?: readonly AnyStepDefinition[] };
  const definition = (module.steps ?? module.default ?? []).find((candidate) => candidate.name === request.kind);
  if (!definition) throw new Error(`module ${request.module} does not export step kind ${request.kind} in its "steps"`);
  const ctx = createStepContext({
    ...request.parts,
    signal: controller.signal,
    metrics: new Map(),
    sinks: {
      log: (level, line) => post({ type: 'log', level, line }),
      metric: (key, value, step) => post({ type: 'metric', key, value, step }),
      progress: (fraction) => post({ type: 'progress', fraction }),
    },
  });
  const values = (await definition.run(ctx)) ?? {};
  post({ type: 'done', values: values as Record<string, unknown> });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined });
}
