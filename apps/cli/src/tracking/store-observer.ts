import { createHash } from 'node:crypto';
import { fileSystemError } from '@veriflow/durable-fs';
import type { StepRegistry } from '@veriflow/step-api';
import { outputsOf } from '@veriflow/step-api';
import type { InstanceOutcome, Provenance, RunObserver, Workspace } from '@veriflow/runner';
import { flattenParams, RunStore } from '@veriflow/tracking';
import type { ArtifactRef, DatasetRef, MetricPoint, RunWriter, TrackingEvent } from '@veriflow/tracking';
import type { WorkflowGraph } from '@veriflow/workflow';

export interface StoreObserverOptions {
  readonly workspace: Workspace;
  readonly graph: WorkflowGraph;
  readonly registry: StepRegistry;
  readonly file: string;
  readonly text: string;
  readonly preset: string | undefined;
  readonly overrides: readonly string[];
  readonly provenance: Provenance;
  readonly experiment: string;
}

/** The tag naming the GPUs an instance ran on (`0,1`). */
export const GPUS_TAG = 'veriflow.gpus';

type FinishedInstance = Extract<TrackingEvent, { type: 'instance-finished' }>['instance'];

/** What an outcome says about an instance, in the tracking model: params, tags, datasets, artifacts, values. */
function trackedInstance(outcome: InstanceOutcome, options: StoreObserverOptions): FinishedInstance {
  const record = outcome.record;
  const definition = options.registry.get(outcome.kind);
  const declared = record && definition ? outputsOf(definition, record.with) : {};
  const datasets: DatasetRef[] = Object.entries(record?.inputs ?? {}).map(([name, digest]) => ({ name, digest, role: 'input' as const }));
  const artifacts: ArtifactRef[] = [];
  for (const [name, output] of Object.entries(record?.outputs ?? {})) {
    if (output.kind !== 'artifact') continue;
    datasets.push({ name, digest: output.digest, role: 'output' });
    artifacts.push({ name, digest: output.digest, path: options.workspace.objects.pathOf(output.digest), size: output.size, media: declared[name]?.media });
  }
  const ended = record ? Date.parse(record.endedAt) : Date.now();
  // Cached instances did no work in this run: their metric histories come from the run that did.
  const metrics: MetricPoint[] =
    outcome.status === 'cached' && record ? Object.entries(record.metrics).flatMap(([key, points]) => points.map((point) => ({ key, value: point.value, step: point.step, timestamp: ended }))) : [];
  const tags: Record<string, string> = {
    'veriflow.step': outcome.step,
    'veriflow.kind': outcome.kind,
    'veriflow.status': outcome.status,
    ...(record ? { 'veriflow.version': record.version, 'veriflow.cache_key': record.key } : {}),
    // The devices it ran on, for `runs show` and MLflow: nvidia-smi indices, and the models behind them.
    ...(outcome.gpus ? { [GPUS_TAG]: outcome.gpus.map((gpu) => gpu.index).join(','), 'veriflow.gpu_models': [...new Set(outcome.gpus.map((gpu) => gpu.name))].join(', ') } : {}),
    ...(outcome.placement ? { 'veriflow.executor': outcome.placement.executor, 'veriflow.job_id': outcome.placement.id, 'veriflow.job_state': outcome.placement.state } : {}),
    ...Object.fromEntries(Object.entries(outcome.matrix).map(([key, value]) => [`veriflow.matrix.${key}`, typeof value === 'string' ? value : JSON.stringify(value)])),
  };
  return {
    name: outcome.name,
    step: outcome.step,
    kind: outcome.kind,
    version: record?.version ?? definition?.version ?? '',
    matrix: outcome.matrix,
    status: outcome.status,
    cacheKey: outcome.key,
    producedByRun: outcome.status === 'cached' ? record?.runId : undefined,
    params: flattenParams(record?.with ?? {}),
    tags,
    metrics,
    datasets,
    artifacts,
    values: outcome.values,
    startedAt: record ? Date.parse(record.startedAt) : undefined,
    endedAt: record ? ended : Date.now(),
    error: outcome.error,
  };
}

export interface StoreObserver extends RunObserver {
  /** Why the run store stopped recording this run (a full disk, a read-only workspace), if it did. */
  readonly failure: string | undefined;
}

/**
 * Records every run in the workspace's embedded run store as it happens (append-only), so a run is
 * comparable and syncable with no server at all, and a killed run leaves a readable record. After the
 * first write the store refuses, recording stops (the log then reads back as interrupted, which is the
 * truth) and `failure` says why, for the command to report once instead of once per event.
 */
export function storeObserver(options: StoreObserverOptions): StoreObserver {
  let writer: RunWriter | undefined;
  let failure: string | undefined;
  const safely = (what: string, body: () => void): void => {
    if (failure !== undefined) return;
    try {
      body();
    } catch (error) {
      failure = `run store: could not record ${what}: ${fileSystemError(error)?.message ?? (error as Error).message}`;
    }
  };
  return {
    get failure() {
      return failure;
    },
    runStarted(start) {
      safely('the run', () => {
        writer = new RunStore(options.workspace.layout.workspaceDir).openRun({
          id: start.runId,
          workflow: start.workflow,
          file: options.file,
          fileHash: createHash('sha256').update(options.text).digest('hex'),
          gitCommit: options.provenance.gitCommit,
          user: options.provenance.user,
          host: options.provenance.host,
          startedAt: start.startedAt,
          endedAt: undefined,
          status: 'running',
          preset: options.preset,
          overrides: options.overrides,
          experiment: options.experiment,
        });
      });
    },
    instanceStarted(name, attempt) {
      if (attempt !== 1) return;
      const node = options.graph.byName.get(name);
      if (!node) return;
      const version = options.registry.get(node.step.spec.uses)?.version ?? '';
      safely(name, () => writer?.append({ type: 'instance-started', name, step: node.step.spec.id, kind: node.step.spec.uses, version, matrix: node.coordinates, time: Date.now() }));
    },
    instanceMetric(name, key, value, step) {
      safely(`metric ${key} of ${name}`, () => writer?.append({ type: 'metric', name, point: { key, value, step, timestamp: Date.now() } }));
    },
    instanceFinished(outcome) {
      safely(outcome.name, () => writer?.append({ type: 'instance-finished', instance: trackedInstance(outcome, options) }));
    },
    async runFinished(end) {
      if (end.expectations.length > 0) {
        safely('the expectations', () => writer?.append({ type: 'expectations', params: options.graph.spec.params, seed: options.graph.spec.seed, results: end.expectations }));
      }
      if (failure !== undefined) {
        await writer?.abandon().catch(() => undefined);
        return;
      }
      try {
        await writer?.close(end.status);
      } catch (error) {
        failure = `run store: could not finish the run's log: ${fileSystemError(error)?.message ?? (error as Error).message}`;
      }
    },
  };
}
