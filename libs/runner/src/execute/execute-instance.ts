import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileSystemError } from '@veriflow/durable-fs';
import type { AnyStepDefinition, GpuDevice } from '@veriflow/step-api';
import { retryDelayMs } from '@veriflow/workflow';
import type { InstanceNode } from '@veriflow/workflow';
import { runtimeWithProblems } from '../cache/with-validator.js';
import { makeStaging } from './staging-folder.js';
import { pluginFrame } from '../catalog/plugin-frame.js';
import type { ResolvedInstance } from '../cache/resolve-instance.js';
import type { InstanceExecutor, Placement } from '../executors/instance-executor.js';
import type { InstanceRecord, ObjectStore } from '../store/index.js';
import { AttemptTimeoutError, CancelledError, formatMs } from './attempt.js';
import type { ContextSinks } from './step-context.js';

export interface ExecuteRequest {
  readonly instance: InstanceNode;
  readonly definition: AnyStepDefinition;
  readonly resolved: ResolvedInstance;
  readonly executor: InstanceExecutor;
  readonly objects: ObjectStore;
  readonly workspaceDir: string;
  readonly stagingRoot: string;
  /** Kept across attempts and runs of this key until it succeeds (see StepContext.checkpointDir). */
  readonly checkpointDir: string;
  readonly workflowDir: string;
  /** Module exporting the step kind in `steps`; needed to run `execution: 'worker'` kinds in a thread. */
  readonly module: string | undefined;
  readonly runId: string;
  readonly signal: AbortSignal;
  /** The devices the pool granted this instance (`instance.resources.gpu` of them). */
  readonly gpus: readonly GpuDevice[];
  readonly sinks: ContextSinks;
  readonly onPlacement: (placement: Placement) => void;
  /** Called before each attempt, 1-based. */
  readonly onAttempt: (attempt: number) => void;
}

/** A failed instance: what happened, after how many attempts. */
export class InstanceFailedError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly cancelled: boolean,
  ) {
    super(message);
    this.name = 'InstanceFailedError';
  }
}

/** Waits `ms`; false, at once, when the run is cancelled meanwhile. */
async function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return delay(ms, true, { signal }).catch(() => false);
}

/**
 * Runs an instance on its executor with its retries and returns the record to store. Artifacts are in the
 * object store when this returns; writing the record is the caller's last step.
 */
export async function executeInstance(request: ExecuteRequest): Promise<InstanceRecord> {
  const { instance, definition, resolved } = request;
  const spec = instance.step.spec;
  const problems = runtimeWithProblems(definition.with, resolved.runWith);
  if (problems.length > 0) throw new InstanceFailedError(`invalid input for ${spec.uses}: ${problems.join('; ')}`, 0, false);

  if (definition.execution === 'worker' && !request.module) {
    request.sinks.log('warn', `${definition.name} asks for a worker thread, but its module is unknown (export the kinds as \`steps\` from the plugin); running it inline`);
  }
  await mkdir(request.checkpointDir, { recursive: true });
  const staging = await makeStaging(request.stagingRoot, resolved.key);
  const startedAt = new Date().toISOString();
  const attempts = spec.retries + 1;
  try {
    for (let attempt = 1; ; attempt++) {
      request.onAttempt(attempt);
      try {
        return await request.executor.runAttempt({
          identity: { step: spec.id, name: instance.name, matrix: instance.coordinates },
          kind: spec.uses,
          module: request.module,
          resolved,
          resources: instance.resources,
          gpus: request.gpus,
          timeoutMs: spec.timeoutMs,
          attempt,
          attemptDir: join(staging, `attempt-${attempt}`),
          checkpointDir: request.checkpointDir,
          workflowDir: request.workflowDir,
          workspaceDir: request.workspaceDir,
          runId: request.runId,
          startedAt,
          definition,
          objects: request.objects,
          signal: request.signal,
          sinks: request.sinks,
          onPlacement: request.onPlacement,
        });
      } catch (error) {
        const cancelled = error instanceof CancelledError || request.signal.aborted;
        const inPlugin = request.module === undefined ? undefined : pluginFrame(error, request.module);
        const cause = error instanceof AttemptTimeoutError ? `attempt ${attempt} ${error.message}` : (fileSystemError(error)?.message ?? (error as Error).message ?? String(error));
        const message = `${cause}${inPlugin ? ` (in ${definition.name}, at ${inPlugin})` : ''}`;
        const retrying = !cancelled && attempt < attempts;
        const waitMs = retrying ? retryDelayMs(spec.retryBackoff, attempt) : 0;
        request.sinks.log('warn', `attempt ${attempt}/${attempts} failed: ${message}${retrying ? `; retrying in ${formatMs(waitMs)}` : ''}`);
        if (cancelled) throw new InstanceFailedError('cancelled', attempt, true);
        if (!retrying) throw new InstanceFailedError(attempts > 1 ? `failed after ${attempts} attempts: ${message}` : message, attempt, false);
        if (!(await waitUnlessAborted(waitMs, request.signal))) throw new InstanceFailedError('cancelled', attempt, true);
      }
    }
  } finally {
    // Best effort: on a read-only or failing disk this throws too, and must not hide why the instance failed.
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}
