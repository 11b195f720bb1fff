/**
 * A worker thread that runs step instances one after another. The parent sends the context's data;
 * everything the step reports (logs, metrics, progress, the result) comes back as messages. Modules
 * stay loaded between instances, so a sweep pays for a thread and its imports once per worker.
 */
import { parentPort } from 'node:worker_threads';
import type { AnyStepDefinition } from '@veriflow/step-api';
import { createStepContext } from './step-context.js';
import type { ParentMessage, WorkerMessage, WorkerRequest } from './worker-protocol.js';

const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);
let current: AbortController | undefined;

async function definitionOf(request: WorkerRequest): Promise<AnyStepDefinition> {
  const module = (await import(request.module)) as { steps?: readonly AnyStepDefinition[]; default?: readonly AnyStepDefinition[] };
  const definition = (module.steps ?? module.default ?? []).find((candidate) => candidate.name === request.kind);
  if (!definition) throw new Error(`module ${request.module} does not export step kind ${request.kind} in its "steps"`);
  return definition;
}

async function run(request: WorkerRequest): Promise<void> {
  const controller = new AbortController();
  current = controller;
  try {
    const definition = await definitionOf(request);
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
  } finally {
    current = undefined;
  }
}

port.on('message', (message: ParentMessage) => {
  if (message.type === 'run') void run(message.request);
  else current?.abort(new Error(message.reason));
});
