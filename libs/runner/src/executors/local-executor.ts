import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { collectOutputs } from '../execute/collect-outputs.js';
import { runAttempt } from '../execute/attempt.js';
import { createStepContext } from '../execute/step-context.js';
import { runInWorker } from '../execute/worker-executor.js';
import type { InstanceRecord, MetricPoint } from '../store/index.js';
import { INSTANCE_RECORD_FORMAT } from '../store/index.js';
import type { AttemptRequest, InstanceExecutor } from './instance-executor.js';

/** Runs the attempt in this process (or a worker thread of it, for `execution: 'worker'` kinds). */
export async function runLocalAttempt(request: AttemptRequest): Promise<InstanceRecord> {
  const { definition, resolved } = request;
  const workdir = join(request.attemptDir, 'work');
  const outputsDir = join(request.attemptDir, 'outputs');
  await mkdir(workdir, { recursive: true });
  await mkdir(outputsDir, { recursive: true });
  const metrics = new Map<string, MetricPoint[]>();
  const outputs = await runAttempt(request.signal, request.timeoutMs, async (signal) => {
    const parts = {
      with: resolved.runWith,
      identity: request.identity,
      seed: resolved.seed,
      cpus: request.resources.cpus,
      gpu: request.resources.gpu,
      gpus: request.gpus,
      env: resolved.env,
      workflowDir: request.workflowDir,
      checkpointDir: request.checkpointDir,
      workdir,
      outputsDir,
    };
    const values =
      definition.execution === 'worker' && request.module
        ? await runInWorker({ module: request.module, kind: definition.name, parts }, signal, metrics, request.sinks)
        : (((await definition.run(createStepContext({ ...parts, signal, metrics, sinks: request.sinks }))) ?? {}) as Record<string, unknown>);
    return collectOutputs(definition, resolved.runWith, values, outputsDir, request.objects);
  });
  const endedAt = new Date();
  return {
    format: INSTANCE_RECORD_FORMAT,
    key: resolved.key,
    step: request.identity.step,
    kind: request.kind,
    version: definition.version,
    name: request.identity.name,
    with: resolved.entry.with,
    inputs: resolved.entry.inputs,
    outputs,
    metrics: Object.fromEntries(metrics),
    seed: resolved.seed,
    startedAt: request.startedAt,
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - Date.parse(request.startedAt),
    host: hostname(),
    attempts: request.attempt,
    runId: request.runId,
  };
}

/** Today's behaviour: every instance runs on the machine that called `veriflow run`, within its resource pool. */
export const localExecutor: InstanceExecutor = { kind: 'local', limitsLocalResources: true, runAttempt: runLocalAttempt };
