import { lstat, mkdir, mkdtemp, readlink, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileSystemError, namingRefusals } from '@veriflow/durable-fs';
import { outputsOf } from '@veriflow/step-api';
import type { AnyStepDefinition, GpuDevice } from '@veriflow/step-api';
import { retryDelayMs } from '@veriflow/workflow';
import type { InstanceNode } from '@veriflow/workflow';
import { runtimeWithProblems } from '../cache/with-validator.js';
import { pluginFrame } from '../catalog/plugin-frame.js';
import type { ResolvedInstance } from '../cache/resolve-instance.js';
import type { InstanceRecord, MetricPoint, ObjectStore, RecordedOutput } from '../store/index.js';
import { INSTANCE_RECORD_FORMAT } from '../store/index.js';
import { AttemptTimeoutError, CancelledError, formatMs, runAttempt } from './attempt.js';
import { createStepContext } from './step-context.js';
import { runInWorker } from './worker-executor.js';
import type { ContextSinks } from './step-context.js';

export interface ExecuteRequest {
  readonly instance: InstanceNode;
  readonly definition: AnyStepDefinition;
  readonly resolved: ResolvedInstance;
  readonly objects: ObjectStore;
  readonly stagingRoot: string;
  /** Kept across attempts and runs of this key until it succeeds (see StepContext.checkpointDir). */
  readonly checkpointDir: string;
  readonly workflowDir: string;
  /** Module exporting the step kind in `steps`; needed to run `execution: 'worker'` kinds in a thread. */
  readonly module: string | undefined;
  readonly runId: string;
  readonly signal: AbortSignal;
  /** The devices the pool granted this instance (`spec.resources.gpu` of them). */
  readonly gpus: readonly GpuDevice[];
  readonly sinks: ContextSinks;
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

function valueMatches(kind: string, value: unknown): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return value !== undefined;
  }
}

/**
 * Why the file a step left for an artifact output cannot be stored, or undefined when it can. A symbolic
 * link is fine when it leads to a file: the store copies that file's bytes, never the link.
 */
async function artifactProblem(name: string, path: string): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return `was not written (write it with ctx.writeJson/ctx.writeBytes or to ctx.outputPath("${name}"))`;
  if (info.isSymbolicLink()) {
    const target = await readlink(path);
    const resolved = await stat(path).catch(() => undefined);
    if (resolved === undefined) return `is a symbolic link to ${target}, which does not exist; write the file itself, or link to one that exists when the step ends`;
    return resolved.isFile() ? undefined : `is a symbolic link to ${target}, which is not a file (archive a directory first)`;
  }
  return info.isFile() ? undefined : `at ${path} is not a file (archive a directory first)`;
}

/** Collects declared outputs after a successful attempt; anything missing or mistyped fails the attempt. */
async function collectOutputs(definition: AnyStepDefinition, runWith: unknown, values: Record<string, unknown>, outputsDir: string, objects: ObjectStore): Promise<Record<string, RecordedOutput>> {
  const declared = outputsOf(definition, runWith);
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.kind === 'artifact') {
      const problem = await artifactProblem(name, join(outputsDir, name));
      if (problem) problems.push(`artifact output "${name}" ${problem}`);
    } else if (!valueMatches(spec.kind, values[name])) {
      problems.push(`output "${name}" should be a ${spec.kind === 'number' ? 'finite number' : spec.kind} but the step returned ${JSON.stringify(values[name]) ?? 'nothing'}`);
    }
  }
  if (problems.length > 0) throw new Error(`step ${definition.name} broke its contract: ${problems.join('; ')}`);
  const outputs: Record<string, RecordedOutput> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.kind === 'artifact') {
      const stored = await namingRefusals(objects.root, () => objects.putFile(join(outputsDir, name), { move: true }));
      outputs[name] = { kind: 'artifact', digest: stored.digest, size: stored.size };
    } else {
      outputs[name] = { kind: 'value', value: values[name] };
    }
  }
  // Values a step reports beyond its declaration (e.g. the keys of a command's `values` file) are kept for
  // results and tracking; only declared outputs can be referenced by other steps.
  for (const [name, value] of Object.entries(values)) {
    if (!(name in declared) && value !== undefined) outputs[name] = { kind: 'value', value };
  }
  return outputs;
}

/** Waits `ms`; false, at once, when the run is cancelled meanwhile. */
async function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return delay(ms, true, { signal }).catch(() => false);
}

/**
 * Runs an instance with its retries and timeout and returns the record to store. Artifacts are in the
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
  await mkdir(request.stagingRoot, { recursive: true });
  await mkdir(request.checkpointDir, { recursive: true });
  const staging = await mkdtemp(join(request.stagingRoot, 'instance-'));
  const startedAt = new Date();
  const attempts = spec.retries + 1;
  try {
    for (let attempt = 1; ; attempt++) {
      const workdir = join(staging, `attempt-${attempt}`, 'work');
      const outputsDir = join(staging, `attempt-${attempt}`, 'outputs');
      await mkdir(workdir, { recursive: true });
      await mkdir(outputsDir, { recursive: true });
      const metrics = new Map<string, MetricPoint[]>();
      request.onAttempt(attempt);
      try {
        const outputs = await runAttempt(request.signal, spec.timeoutMs, async (signal) => {
          const parts = {
            with: resolved.runWith,
            identity: { step: spec.id, name: instance.name, matrix: instance.coordinates },
            seed: resolved.seed,
            cpus: spec.resources.cpus,
            gpu: spec.resources.gpu,
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
          step: spec.id,
          kind: spec.uses,
          version: definition.version,
          name: instance.name,
          with: resolved.entry.with,
          inputs: resolved.entry.inputs,
          outputs,
          metrics: Object.fromEntries(metrics),
          seed: resolved.seed,
          startedAt: startedAt.toISOString(),
          endedAt: endedAt.toISOString(),
          durationMs: endedAt.getTime() - startedAt.getTime(),
          host: hostname(),
          attempts: attempt,
          runId: request.runId,
        };
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
