/** MLflow entities as the client returns them (camelCase), and the JSON shapes the REST API uses. */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: string;
  readonly creationTime: number | undefined;
  readonly lastUpdateTime: number | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

export interface RunInfo {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  /** e.g. `mlflow-artifacts:/1/<run>/artifacts` when the server proxies artifacts. */
  readonly artifactUri: string;
  readonly lifecycleStage: string;
}

export interface Metric {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string | undefined;
  readonly profile?: string | undefined;
}

export interface DatasetInput {
  readonly dataset: Dataset;
  readonly tags: Readonly<Record<string, string>>;
}

export interface Run {
  readonly info: RunInfo;
  readonly data: {
    /** Latest value of each metric. */
    readonly metrics: readonly Metric[];
    readonly params: Readonly<Record<string, string>>;
    readonly tags: Readonly<Record<string, string>>;
  };
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[] };
}

export interface FileInfo {
  /** Relative to the run's artifact root. */
  readonly path: string;
  readonly isDir: boolean;
  readonly fileSize: number | undefined;
}

// ---- wire shapes (snake_case, as the server sends them) ----

export interface WireKeyValue {
  readonly key: string;
  readonly value: string;
}

export interface WireExperiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage?: string;
  readonly creation_time?: number | string;
  readonly last_update_time?: number | string;
  readonly tags?: readonly WireKeyValue[];
}

export interface WireRunInfo {
  readonly run_id?: string;
  readonly run_uuid?: string;
  readonly run_name?: string;
  readonly experiment_id: string;
  readonly user_id?: string;
  readonly status?: RunStatus;
  readonly start_time?: number | string;
  readonly end_time?: number | string;
  readonly artifact_uri?: string;
  readonly lifecycle_stage?: string;
}

export interface WireMetricOut {
  readonly key: string;
  readonly value: number | string;
  readonly timestamp?: number | string;
  readonly step?: number | string;
}

export interface WireDataset {
  readonly name: string;
  readonly digest: string;
  readonly source_type: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
}

export interface WireRun {
  readonly info: WireRunInfo;
  readonly data?: { readonly metrics?: readonly WireMetricOut[]; readonly params?: readonly WireKeyValue[]; readonly tags?: readonly WireKeyValue[] };
  readonly inputs?: { readonly dataset_inputs?: readonly { readonly dataset: WireDataset; readonly tags?: readonly WireKeyValue[] }[] };
}

export interface WireFileInfo {
  readonly path: string;
  readonly is_dir?: boolean;
  readonly file_size?: number | string;
}

// ---- conversions ----

/** int64 fields may arrive as JSON strings from some servers. */
function int(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Doubles may arrive as "NaN" / "Infinity" strings. */
function double(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export function record(list: readonly WireKeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list ?? []) out[key] = value;
  return out;
}

export function toExperiment(wire: WireExperiment): Experiment {
  return {
    experimentId: wire.experiment_id,
    name: wire.name,
    artifactLocation: wire.artifact_location ?? '',
    lifecycleStage: wire.lifecycle_stage ?? 'active',
    creationTime: int(wire.creation_time),
    lastUpdateTime: int(wire.last_update_time),
    tags: record(wire.tags),
  };
}

export function toRunInfo(wire: WireRunInfo): RunInfo {
  return {
    runId: wire.run_id ?? wire.run_uuid ?? '',
    runName: wire.run_name ?? '',
    experimentId: wire.experiment_id,
    userId: wire.user_id ?? '',
    status: wire.status ?? 'RUNNING',
    startTime: int(wire.start_time),
    endTime: int(wire.end_time),
    artifactUri: wire.artifact_uri ?? '',
    lifecycleStage: wire.lifecycle_stage ?? 'active',
  };
}

export function toMetric(wire: WireMetricOut): Metric {
  return { key: wire.key, value: double(wire.value), timestamp: int(wire.timestamp) ?? 0, step: int(wire.step) ?? 0 };
}

export function toRun(wire: WireRun): Run {
  return {
    info: toRunInfo(wire.info),
    data: {
      metrics: (wire.data?.metrics ?? []).map(toMetric),
      params: record(wire.data?.params),
      tags: record(wire.data?.tags),
    },
    inputs: {
      datasetInputs: (wire.inputs?.dataset_inputs ?? []).map((d) => ({
        dataset: {
          name: d.dataset.name,
          digest: d.dataset.digest,
          sourceType: d.dataset.source_type,
          source: d.dataset.source,
          schema: d.dataset.schema,
          profile: d.dataset.profile,
        },
        tags: record(d.tags),
      })),
    },
  };
}

export function toFileInfo(wire: WireFileInfo): FileInfo {
  return { path: wire.path, isDir: wire.is_dir ?? false, fileSize: int(wire.file_size) };
}
