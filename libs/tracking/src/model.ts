/**
 * What the tracking layer records, independent of the runner and of MLflow: the CLI adapts runner
 * events to these types, the local run store keeps them, and sync maps them to MLflow.
 */

export type TrackedRunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type TrackedInstanceStatus = 'running' | 'succeeded' | 'cached' | 'failed' | 'skipped' | 'cancelled' | 'interrupted';

/** One `veriflow run` invocation. */
export interface TrackedRun {
  /** veriflow's run id, e.g. 20261126-125539-1a1d03. */
  readonly id: string;
  readonly workflow: string;
  /** Workflow file as the user named it, and the sha256 of its text. */
  readonly file: string;
  readonly fileHash: string;
  readonly gitCommit: string | undefined;
  readonly user: string;
  readonly host: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly status: TrackedRunStatus;
  /** `--preset` of the run; undefined when it used the workflow's default params. */
  readonly preset: string | undefined;
  /** `--set` arguments as given (applied after the preset). */
  readonly overrides: readonly string[];
  /** MLflow experiment name to log to (default: the workflow name). */
  readonly experiment: string;
}

export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** A dataset an instance read or wrote, identified by content digest. */
export interface DatasetRef {
  readonly name: string;
  readonly digest: string;
  readonly role: 'input' | 'output';
}

/** A file an instance produced, in the workspace's object store. */
export interface ArtifactRef {
  readonly name: string;
  readonly digest: string;
  /** Absolute path of the stored object. */
  readonly path: string;
  readonly size: number;
  readonly media: string | undefined;
}

/** One step instance within a run, as it stands at the end (or at the last event before a kill). */
export interface TrackedInstance {
  readonly runId: string;
  /** Stable instance name, e.g. `train[p=0.3,verifier=oracle]`. */
  readonly name: string;
  readonly step: string;
  readonly kind: string;
  readonly version: string;
  readonly matrix: Readonly<Record<string, unknown>>;
  readonly status: TrackedInstanceStatus;
  readonly cacheKey: string | undefined;
  /** For cached instances: the run that computed the outputs. */
  readonly producedByRun: string | undefined;
  /** Resolved `with`, flattened to dotted keys, values as text. */
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: readonly MetricPoint[];
  readonly datasets: readonly DatasetRef[];
  readonly artifacts: readonly ArtifactRef[];
  /** Value outputs. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  readonly error: string | undefined;
}

/** One `expect:` claim of a run as evaluated at its end (the workflow library's ExpectationResult). */
export interface TrackedExpectation {
  readonly name: string;
  readonly status: 'held' | 'failed' | 'not-evaluated' | 'skipped';
  readonly that: string;
  readonly message?: string;
  readonly tolerance?: number;
  /** Name → expression, as written under `values:`. */
  readonly values: Readonly<Record<string, string>>;
  /** Its condition as written (absent in runs recorded before expectations had one: always true). */
  readonly if?: boolean | string;
  /** Label → measured value. */
  readonly measured: Readonly<Record<string, unknown>>;
  readonly reason?: string;
}

/** A run's expectations with the params and seed they read, so `veriflow check` can re-evaluate them. */
export interface TrackedExpectations {
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly results: readonly TrackedExpectation[];
}

/** The events a run store appends, in order; replaying them rebuilds the run and its instances. */
export type TrackingEvent =
  | { readonly type: 'run-started'; readonly run: TrackedRun }
  | { readonly type: 'instance-started'; readonly name: string; readonly step: string; readonly kind: string; readonly version: string; readonly matrix: Readonly<Record<string, unknown>>; readonly time: number }
  | { readonly type: 'metric'; readonly name: string; readonly point: MetricPoint }
  | {
      readonly type: 'instance-finished';
      readonly instance: Omit<TrackedInstance, 'runId' | 'metrics'> & { readonly metrics?: readonly MetricPoint[] };
    }
  | ({ readonly type: 'expectations' } & TrackedExpectations)
  | { readonly type: 'run-finished'; readonly status: Exclude<TrackedRunStatus, 'running' | 'interrupted'>; readonly time: number };
