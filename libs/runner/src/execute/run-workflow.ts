import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileSystemError, namingRefusals } from '@veriflow/durable-fs';
import type { StepRegistry } from '@veriflow/step-api';
import { conditionAtPlanTime, evaluateExpectations } from '@veriflow/workflow';
import type { InstanceNode, WorkflowGraph } from '@veriflow/workflow';
import type { KeyEntry } from '../cache/key-entry.js';
import { workflowEnvironment } from '../cache/resolve-instance.js';
import type { Decision, DecisionContext } from '../plan/decide.js';
import { decideInstance } from '../plan/decide.js';
import type { PlanReason } from '../plan/reasons.js';
import { blockedReason } from '../plan/reasons.js';
import { composeObservers } from '../observe/run-observer.js';
import type { InstanceOutcome, InstanceStatus, RunEnd, RunObserver } from '../observe/run-observer.js';
import type { IncompleteInfo, InstanceRecord } from '../store/index.js';
import { acquireLock, sha256Hex } from '../store/index.js';
import { lockEntryOf } from '../provenance/lock-file.js';
import type { LockEntry } from '../provenance/lock-file.js';
import { planWorkflow } from '../plan/plan-workflow.js';
import { refuseWhatCannotFit, resourcesOf } from './capacity-check.js';
import type { InstanceExecutor, Placement } from '../executors/instance-executor.js';
import { localExecutor } from '../executors/local-executor.js';
import { executeInstance, InstanceFailedError } from './execute-instance.js';
import { chainFirstPriority } from './priority.js';
import { ResourcePool } from './resource-pool.js';
import type { Capacity, Reservation, ResourceRequest } from './resource-pool.js';
import { describeLockEvent } from './lock-messages.js';
import { removeLeftovers } from './remove-leftovers.js';
import { maxLogBytesFrom } from './head-tail-log.js';
import { openInstanceLog } from './step-context.js';
import type { Workspace } from './workspace.js';
import { selectInstances } from './selection.js';
import type { Selection } from './selection.js';

export interface RunRequest {
  readonly workspace: Workspace;
  readonly graph: WorkflowGraph;
  /** Where the workflow file is: steps resolve the user's relative paths against it. */
  readonly workflowDir: string;
  readonly registry: StepRegistry;
  readonly runId: string;
  readonly capacity: Capacity;
  readonly keepGoing: boolean;
  readonly selection: Selection;
  readonly env: Readonly<Record<string, string>>;
  readonly previous: ReadonlyMap<string, KeyEntry>;
  readonly signal: AbortSignal;
  readonly observers: readonly RunObserver[];
  /** A lock from another host whose heartbeat is silent this long is taken over (default DEFAULT_LOCK_TIMEOUT_MS). */
  readonly lockTimeoutMs?: number;
  /** Where each instance's attempts run (default: this process, within `capacity`). */
  readonly executor?: InstanceExecutor;
}

export interface RunResult extends RunEnd {
  /** Lock entries of every instance that has a record after this run. */
  readonly lockEntries: ReadonlyMap<string, LockEntry>;
}

/**
 * A file name for an instance's log. Instance names hold any matrix value, so unsafe characters become
 * `_`; when that (or the length limit) changed the name, a short hash of the exact name keeps
 * `step[v=a/b]` and `step[v=a_b]` apart.
 */
export function logFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._=,-]+/g, '_').slice(0, 150);
  return safe === name ? `${name}.log` : `${safe}-${sha256Hex(name).slice(0, 10)}.log`;
}

/**
 * Executes the selected instances in dependency order, as many at once as the resource pool allows.
 * Resume is re-planning: finished instances are cache hits, interrupted ones have no record and rerun.
 */
export async function runWorkflow(request: RunRequest): Promise<RunResult> {
  const { graph, workspace } = request;
  const maxLogBytes = maxLogBytesFrom(request.env);
  const observer = composeObservers(request.observers);
  const startedAt = Date.now();
  const selected = selectInstances(graph, request.selection);
  const instances = graph.instances.filter((instance) => selected.has(instance.name));
  const executor = request.executor ?? localExecutor;
  // A cluster scheduler places jobs by their resources itself; here only `jobs` bounds how many are submitted.
  const local = executor.limitsLocalResources;
  const pool = new ResourcePool(local ? request.capacity : { jobs: request.capacity.jobs, cpus: 0, gpus: 0 });
  const requestOf = (instance: InstanceNode): ResourceRequest => (local ? resourcesOf(instance) : { cpus: 0, gpu: 0 });
  const planningContext = { env: request.env, objects: workspace.objects, records: workspace.records, markers: workspace.markers, previous: request.previous };
  if (local) await refuseWhatCannotFit(pool, instances, () => planWorkflow(graph, planningContext, request.selection));
  observer.runStarted({ runId: request.runId, workflow: graph.spec.name, total: instances.length, startedAt });
  const logsDir = workspace.layout.runLogsDir(request.runId);
  await namingRefusals(logsDir, () => mkdir(logsDir, { recursive: true }));

  const order = chainFirstPriority(instances);
  const decisionContext: DecisionContext = {
    graph,
    env: workflowEnvironment(graph, request.env),
    objects: workspace.objects,
    records: workspace.records,
    markers: workspace.markers,
    previous: request.previous,
    forced: (instance) => request.selection.force === 'all' || (request.selection.force?.has(instance.step.spec.id) ?? false),
  };
  const records = new Map<string, InstanceRecord>();
  const entries = new Map<string, KeyEntry>();
  const outcomes = new Map<string, InstanceOutcome>();
  const placements = new Map<string, Placement>();
  let stopping = false;

  const finish = (instance: InstanceNode, status: InstanceStatus, reason: PlanReason, extra: Partial<InstanceOutcome> = {}): InstanceOutcome => {
    const record = records.get(instance.name);
    const outcome: InstanceOutcome = {
      name: instance.name,
      step: instance.step.spec.id,
      matrix: instance.coordinates,
      status,
      reason,
      attempts: 0,
      durationMs: 0,
      values: record ? Object.fromEntries(Object.entries(record.outputs).flatMap(([name, output]) => (output.kind === 'value' ? [[name, output.value]] : []))) : {},
      metrics: record ? Object.fromEntries(Object.entries(record.metrics).flatMap(([key, points]) => (points.length ? [[key, points[points.length - 1]!.value]] : []))) : {},
      ...(record ? { key: record.key, record } : {}),
      ...(placements.has(instance.name) ? { placement: placements.get(instance.name)! } : {}),
      kind: instance.step.spec.uses,
      ...extra,
    };
    outcomes.set(instance.name, outcome);
    // Fail-fast takes effect here, before the failed instance frees its resources: an instance waiting for
    // them must already see `stopping` when it is granted, or it would start after the failure.
    if (status === 'failed' && !outcome.tolerated && !request.keepGoing) stopping = true;
    observer.instanceFinished(outcome);
    return outcome;
  };

  const execute = async (instance: InstanceNode, decision: Decision & { runs: true }, reservation: Reservation): Promise<InstanceOutcome> => {
    const spec = instance.step.spec;
    const definition = request.registry.get(spec.uses)!;
    const impossible = pool.impossible(requestOf(instance));
    if (impossible) {
      reservation.cancel();
      return finish(instance, 'failed', decision.reason, { error: `${instance.name} ${impossible}`, tolerated: spec.continueOnError });
    }
    const grant = await reservation.granted();
    // Said in the log, the outcome and the run store: which devices an instance had is the first question when two runs differ.
    const onGpus = grant.gpus.length === 0 ? '' : ` on GPU ${grant.gpus.map((gpu) => gpu.index).join(',')} (${[...new Set(grant.gpus.map((gpu) => gpu.name))].join(', ')})`;
    const held = grant.gpus.length === 0 ? {} : { gpus: grant.gpus };
    let unlock: (() => Promise<void>) | undefined;
    let marker: IncompleteInfo | undefined;
    const log = openInstanceLog(join(logsDir, logFileName(instance.name)), maxLogBytes);
    const began = Date.now();
    try {
      if (stopping || request.signal.aborted) return finish(instance, request.signal.aborted ? 'cancelled' : 'skipped', request.signal.aborted ? decision.reason : { kind: 'stopped' });
      const key = decision.resolved.key;
      // Another run may be computing the same key: wait for it, then take its record instead of recomputing.
      unlock = await acquireLock(workspace.layout.instanceLockPath(key), {
        wait: true,
        signal: request.signal,
        label: `run ${request.runId}`,
        ...(request.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: request.lockTimeoutMs }),
        onEvent: (event) => {
          const line = describeLockEvent(event, `${instance.name} (key ${key.slice(0, 12)})`);
          // Taking over a dead holder's lock on this host is routine after a kill; anything else is worth seeing.
          const level = event.kind === 'took-over' && event.holder?.host === hostname() ? 'info' : 'warn';
          log.write(level, line);
          observer.instanceLog(instance.name, level, line);
        },
      });
      const raced = decision.reason.kind === 'forced' ? undefined : await workspace.records.read(key);
      if (raced) {
        records.set(instance.name, raced);
        entries.set(instance.name, decision.resolved.entry);
        return finish(instance, 'cached', { kind: 'cached' });
      }
      marker = { runId: request.runId, name: instance.name, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
      await workspace.markers.markIncomplete(key, marker);
      let attempts = 0;
      const record = await executeInstance({
        onPlacement: (placement) => {
          placements.set(instance.name, placement);
          log.write('info', `${placement.executor} job ${placement.id} ${placement.state}${placement.detail ? ` (${placement.detail})` : ''}`);
          observer.instancePlaced(instance.name, placement);
        },
        instance,
        definition,
        resolved: decision.resolved,
        executor,
        objects: workspace.objects,
        workspaceDir: workspace.layout.workspaceDir,
        stagingRoot: join(workspace.layout.tmp, request.runId),
        checkpointDir: workspace.layout.checkpointDir(key),
        workflowDir: request.workflowDir,
        module: request.registry.moduleOf(spec.uses),
        runId: request.runId,
        signal: request.signal,
        gpus: grant.gpus,
        onAttempt: (attempt) => {
          attempts = attempt;
          log.write('info', `attempt ${attempt} of ${instance.name} (${spec.uses}@${definition.version}, key ${key.slice(0, 12)})${onGpus}`);
          observer.instanceStarted(instance.name, attempt);
        },
        sinks: {
          log: (level, line) => {
            log.write(level, line);
            observer.instanceLog(instance.name, level, line);
          },
          metric: (metric, value, step) => observer.instanceMetric(instance.name, metric, value, step),
          progress: (fraction) => observer.instanceProgress(instance.name, fraction),
        },
      }).catch((error: unknown) => {
        if (error instanceof InstanceFailedError) attempts = Math.max(attempts, error.attempts);
        throw error;
      });
      // A log the disk refused is a failed instance: its record would claim a run nobody can inspect.
      if (log.failure) throw log.failure;
      await workspace.records.write(record);
      await workspace.markers.clearIncomplete(key);
      await rm(workspace.layout.checkpointDir(key), { recursive: true, force: true });
      records.set(instance.name, record);
      entries.set(instance.name, decision.resolved.entry);
      return finish(instance, 'succeeded', decision.reason, { attempts, durationMs: Date.now() - began, key, ...held });
    } catch (error) {
      const cancelled = (error instanceof InstanceFailedError && error.cancelled) || request.signal.aborted;
      // A store, record or marker write the file system refused says which path and why, not a bare errno.
      const message = fileSystemError(error)?.message ?? (error instanceof Error ? error.message : String(error));
      log.write('error', message);
      // An interrupted instance keeps its marker as it is; one that failed by itself says so in the plan.
      if (marker && !cancelled) {
        await workspace.markers.markFailed(decision.resolved.key, marker, message).catch((markError: unknown) => {
          log.write('warn', `could not note the failure in ${workspace.markers.pathOf(decision.resolved.key)}: ${(markError as Error).message}`);
        });
      }
      return finish(instance, cancelled ? 'cancelled' : 'failed', decision.reason, {
        error: message,
        durationMs: Date.now() - began,
        attempts: error instanceof InstanceFailedError ? error.attempts : 0,
        tolerated: !cancelled && spec.continueOnError,
        key: decision.resolved.key,
        ...held,
      });
    } finally {
      await unlock?.();
      await log.close();
      grant.release();
    }
  };

  const settle = async (instance: InstanceNode): Promise<InstanceOutcome> => {
    // As the plan decides it: an instance whose own `if:` is false before anything runs says so, whatever its upstream did.
    if (conditionAtPlanTime(graph, instance) === false) return finish(instance, 'skipped', { kind: 'condition-false' });
    const consumedOneByOne = new Set(Object.values(instance.each));
    const blocked = instance.upstream.filter((name) => {
      const upstream = outcomes.get(name);
      if (!selected.has(name) || upstream?.status === 'succeeded' || upstream?.status === 'cached') return false;
      // A fan-in (or `needs`) goes on without instances that were skipped or failed under continue-on-error,
      // collecting what exists; an instance that reads one upstream output cannot.
      return consumedOneByOne.has(name) || !(upstream?.status === 'skipped' || (upstream?.status === 'failed' && upstream.tolerated));
    });
    if (blocked.length > 0) {
      const cancelled = blocked.some((name) => outcomes.get(name)?.status === 'cancelled');
      return finish(instance, cancelled ? 'cancelled' : 'skipped', blockedReason(blocked.map((name) => ({ name, reason: outcomes.get(name)?.reason ?? { kind: 'stopped' } }))));
    }
    if (request.signal.aborted) return finish(instance, 'cancelled', { kind: 'stopped' });
    if (stopping) return finish(instance, 'skipped', { kind: 'stopped' });
    // The place in the queue is taken before the (asynchronous) cache lookup, so grants follow the plan's
    // priority rather than whichever lookup finished first.
    const reservation = pool.reserve(requestOf(instance), order.get(instance.name));
    let decision: Decision;
    try {
      decision = await decideInstance(decisionContext, instance, records);
    } catch (error) {
      reservation.cancel();
      return finish(instance, 'failed', { kind: 'new' }, { error: `could not resolve inputs: ${(error as Error).message}`, tolerated: instance.step.spec.continueOnError });
    }
    if (!decision.runs) {
      reservation.cancel();
      if (decision.record) {
        records.set(instance.name, decision.record);
        entries.set(instance.name, decision.resolved!.entry);
        return finish(instance, 'cached', decision.reason);
      }
      return finish(instance, 'skipped', decision.reason);
    }
    return execute(instance, decision, reservation);
  };

  // Wave scheduling by dependency counts: an instance starts once every selected upstream has finished.
  const waiting = new Map(instances.map((instance) => [instance.name, instance.upstream.filter((name) => selected.has(name)).length]));
  const dependents = new Map<string, InstanceNode[]>();
  for (const instance of instances) {
    for (const upstream of instance.upstream) if (selected.has(upstream)) dependents.set(upstream, [...(dependents.get(upstream) ?? []), instance]);
  }
  await new Promise<void>((resolve) => {
    let active = 0;
    const start = (instance: InstanceNode): void => {
      active++;
      void settle(instance).then(() => {
        for (const next of dependents.get(instance.name) ?? []) {
          const left = waiting.get(next.name)! - 1;
          waiting.set(next.name, left);
          if (left === 0) start(next);
        }
        if (--active === 0) resolve();
      });
    };
    const roots = instances.filter((instance) => waiting.get(instance.name) === 0);
    if (roots.length === 0) resolve();
    roots.forEach(start);
  });

  const all = instances.map((instance) => outcomes.get(instance.name)!);
  const failed = all.some((outcome) => outcome.status === 'failed' && !outcome.tolerated);
  const status: RunEnd['status'] = request.signal.aborted ? 'cancelled' : failed ? 'failed' : 'succeeded';
  await removeLeftovers(workspace, request.lockTimeoutMs);
  const lockEntries = new Map([...entries].map(([name, entry]) => [name, lockEntryOf(records.get(name)!, entry)]));
  // Evaluated before runFinished, so every observer (run store, MLflow) records them with the run.
  const selectedSteps = new Set(instances.map((instance) => instance.step.spec.id));
  const expectations = evaluateExpectations(graph.spec.expectations, { params: graph.spec.params, seed: graph.spec.seed, runStatus: status, instances: all, selectedSteps });
  const end: RunResult = { runId: request.runId, status, outcomes: all, durationMs: Date.now() - startedAt, expectations, lockEntries };
  await observer.runFinished(end);
  return end;
}
