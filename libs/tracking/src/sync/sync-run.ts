import type { MetricPoint, TrackedInstance } from '../model.js';
import type { MlflowClient, Run } from '../mlflow/index.js';
import type { RunStore } from '../store/index.js';
import { expectationRecord } from './expectation-mapping.js';
import { artifactFileName, instanceRunTags, mlflowStatus, parentRunTags } from './run-mapping.js';

export interface SyncCounts {
  metricsLogged: number;
  paramsLogged: number;
  datasetsLogged: number;
  artifactsUploaded: number;
}

export interface SyncReport extends SyncCounts {
  readonly runId: string;
  /** Whether the run and every instance are final in MLflow (a live run's sync is not). */
  readonly complete: boolean;
  readonly experimentId: string;
  readonly parentRunId: string;
  readonly instances: number;
}

/**
 * Per run and tracking server, what earlier syncs settled, so a re-sync (or a live sync's next tick) skips
 * finished instances. Keyed by server: a run synced to one server is still new to another.
 */
interface ServerSyncState {
  readonly experimentId?: string;
  readonly parentRunId?: string;
  readonly done?: Record<string, string>;
  readonly complete?: boolean;
}

/** MLflow caps dataset digests at 36 characters; the full digest stays in the dataset's source. */
const shortDigest = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 36);

/** Instances synced at once. */
const SYNC_CONCURRENCY = 6;

const pointKey = (point: { step: number; timestamp: number; value: number }): string => `${point.step}|${point.timestamp}|${point.value}`;

/**
 * What one process has already pushed, per MLflow run and metric key: how many of the local points (in the
 * run store's order, which only grows) MLflow holds. A live sync keeps one across its ticks, so a long
 * training run does not re-read its whole metric history from MLflow every second; a fresh `veriflow sync`
 * starts empty and compares with MLflow's history, which stays the ground truth.
 */
export class SyncProgress {
  private readonly pushed = new Map<string, number>();

  /** Points of `key` known to be in MLflow run `runId`, or undefined when this process has not pushed them. */
  known(runId: string, key: string): number | undefined {
    return this.pushed.get(`${runId}\u0000${key}`);
  }

  record(runId: string, key: string, count: number): void {
    this.pushed.set(`${runId}\u0000${key}`, count);
  }

  forget(runId: string, key: string): void {
    this.pushed.delete(`${runId}\u0000${key}`);
  }
}

let inputsQueue: Promise<unknown> = Promise.resolve();

/**
 * MLflow shares a dataset row between the runs of an experiment and inserts it without a lock, so two
 * concurrent log-inputs of the same dataset make one fail; one at a time, and once more on that race.
 */
function serialized(call: () => Promise<void>): Promise<void> {
  const attempt = async (): Promise<void> => {
    try {
      await call();
    } catch (error) {
      if (!String((error as Error).message).includes('UNIQUE constraint')) throw error;
      await call();
    }
  };
  const next = inputsQueue.then(attempt, attempt);
  inputsQueue = next.catch(() => undefined);
  return next;
}

/** Pushes what MLflow lacks of one instance: params, metric points, datasets and artifacts. */
async function syncInstance(client: MlflowClient, mlflowRun: Run, instance: TrackedInstance, counts: SyncCounts, progress: SyncProgress): Promise<void> {
  const runId = mlflowRun.info.runId;
  const params = Object.fromEntries(Object.entries(instance.params).filter(([key, value]) => mlflowRun.data.params[key] !== value));
  const metrics: { key: string; value: number; step: number; timestamp: number }[] = [];
  const logged = new Set(mlflowRun.data.metrics.map((metric) => metric.key));
  const local = new Map<string, MetricPoint[]>();
  for (const point of instance.metrics) {
    const points = local.get(point.key) ?? [];
    points.push(point);
    local.set(point.key, points);
  }
  for (const [key, points] of local) {
    const known = progress.known(runId, key);
    let fresh: MetricPoint[];
    if (known !== undefined && known <= points.length) {
      fresh = points.slice(known);
    } else {
      // Exactly-once without a local ledger: compare with what MLflow already holds (nothing, for a key it lacks).
      const existing = new Set(logged.has(key) ? (await client.getMetricHistory(runId, key)).map(pointKey) : []);
      fresh = points.filter((point) => !existing.has(pointKey(point)));
    }
    for (const point of fresh) if (Number.isFinite(point.value)) metrics.push({ key, value: point.value, step: point.step, timestamp: point.timestamp });
  }
  if (metrics.length > 0 || Object.keys(params).length > 0) {
    try {
      await client.logBatch(runId, { metrics, params }, { invalid: 'fix' });
    } catch (error) {
      // The server may have stored some or all of it before the failure reached us: from now on, compare.
      for (const key of local.keys()) progress.forget(runId, key);
      throw error;
    }
    counts.metricsLogged += metrics.length;
    counts.paramsLogged += Object.keys(params).length;
  }
  for (const [key, points] of local) progress.record(runId, key, points.length);
  const knownDatasets = new Set(mlflowRun.inputs.datasetInputs.map((input) => `${input.dataset.name}|${input.dataset.digest}`));
  const datasets = instance.datasets.filter((dataset) => !knownDatasets.has(`${dataset.name}|${shortDigest(dataset.digest)}`));
  if (datasets.length > 0) {
    const specs = datasets.map((dataset) => ({ name: dataset.name, digest: shortDigest(dataset.digest), sourceType: 'veriflow', source: `veriflow-object:${dataset.digest}`, context: dataset.role }));
    await serialized(() => client.logInputs(runId, specs));
    counts.datasetsLogged += datasets.length;
  }
  if (instance.artifacts.length > 0) {
    const present = new Set((await client.listArtifacts(mlflowRun)).map((file) => file.path));
    for (const artifact of instance.artifacts) {
      const name = artifactFileName(artifact.name, artifact.media);
      if (present.has(name)) continue;
      await client.uploadArtifact(mlflowRun, artifact.path, name, artifact.media);
      counts.artifactsUploaded++;
    }
  }
}

/**
 * Makes MLflow hold what the local run store holds for one run: one experiment per workflow, a parent
 * run per `veriflow run`, a nested run per instance (cached ones too, tagged as cache hits). Safe to
 * repeat: runs are found by idempotency tags, metric points by comparison with MLflow's history, so
 * running it twice (or after a crash half-way) creates nothing twice. A live sync passes the same
 * `progress` to every tick, so each tick pushes new metric points without reading MLflow's histories.
 */
export async function syncRun(client: MlflowClient, store: RunStore, runIdOrPrefix: string, progress: SyncProgress = new SyncProgress()): Promise<SyncReport> {
  const { run, instances, expectations } = await store.readRun(runIdOrPrefix);
  const allStates = ((await store.readSyncState(run.id)) ?? {}) as Record<string, ServerSyncState>;
  const state = allStates[client.trackingUri] ?? {};
  const counts: SyncCounts = { metricsLogged: 0, paramsLogged: 0, datasetsLogged: 0, artifactsUploaded: 0 };
  const experiment = await client.getOrCreateExperiment(run.experiment);
  const parent = await client.createRunIdempotent({
    experimentId: experiment.experimentId,
    runName: `${run.workflow} ${run.id}`,
    startTime: run.startedAt,
    tags: parentRunTags(run),
    idempotencyTag: ['veriflow.run_id', run.id],
  });
  const done: Record<string, string> = { ...(state.done ?? {}) };
  const settled = (instance: TrackedInstance): boolean => instance.status !== 'running';
  // One paged search finds every instance run made before; only missing ones go through the create path.
  const children = new Map<string, Run>();
  for await (const found of client.iterateRuns({ experimentIds: [experiment.experimentId], filter: `tags.\`veriflow.run_id\` = '${run.id}'` })) {
    const name = found.data.tags['veriflow.instance'];
    if (name !== undefined) children.set(name, found);
  }
  // A few instances at a time: each is a handful of round trips, and the server is rarely the bottleneck.
  const pending = instances.filter((instance) => !done[instance.name]);
  const worker = async (): Promise<void> => {
    for (let instance = pending.shift(); instance; instance = pending.shift()) {
      const child =
        children.get(instance.name) ??
        (await client.createRunIdempotent({
          experimentId: experiment.experimentId,
          runName: instance.name,
          startTime: instance.startedAt ?? run.startedAt,
          tags: instanceRunTags(run, instance, parent.info.runId),
          idempotencyTag: ['veriflow.instance_id', `${run.id}/${instance.name}`],
        }));
      await syncInstance(client, await client.getRun(child.info.runId), instance, counts, progress);
      if (settled(instance)) {
        await client.updateRun(child.info.runId, { status: mlflowStatus(instance.status), ...(instance.endedAt ? { endTime: instance.endedAt } : {}) });
        done[instance.name] = child.info.runId;
      }
    }
  };
  await Promise.all(Array.from({ length: SYNC_CONCURRENCY }, worker));
  if (expectations) {
    const { metrics, tags } = expectationRecord(expectations, run.endedAt ?? Date.now());
    // A metric is compared with its latest value in MLflow, so a re-sync logs it once; tags just overwrite.
    const logged = new Map(parent.data.metrics.map((metric) => [metric.key, metric.value]));
    const fresh = metrics.filter((metric) => logged.get(metric.key) !== metric.value);
    await client.logBatch(parent.info.runId, { metrics: fresh, tags });
    counts.metricsLogged += fresh.length;
  }
  const complete = run.status !== 'running' && instances.every(settled);
  if (complete) await client.updateRun(parent.info.runId, { status: mlflowStatus(run.status), ...(run.endedAt ? { endTime: run.endedAt } : {}) });
  const settledState: ServerSyncState & { syncedAt: number } = { experimentId: experiment.experimentId, parentRunId: parent.info.runId, done, complete, syncedAt: Date.now() };
  await store.writeSyncState(run.id, { ...allStates, [client.trackingUri]: settledState });
  return { runId: run.id, complete, experimentId: experiment.experimentId, parentRunId: parent.info.runId, instances: instances.length, ...counts };
}
