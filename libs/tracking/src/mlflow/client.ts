/** A typed client for the MLflow tracking REST API (2.x / 3.x servers). */
import * as artifacts from './artifacts.js';
import { isMlflowError } from './errors.js';
import { MlflowHttp, type Credentials } from './http.js';
import { LIMITS, splitBatch, validateBatch, type BatchInput, type InvalidPolicy, type KeyValues } from './limits.js';
import { createRunIdempotent, getOrCreateExperiment, type IdempotentRunOptions } from './idempotent.js';
import { toWireDatasetInput, type DatasetInputSpec } from './inputs.js';
import type { RetryOptions } from './retry.js';
import { toExperiment, toMetric, toRun, toRunInfo } from './types.js';
import type { Experiment, FileInfo, Metric, Run, RunInfo, RunStatus, WireExperiment, WireMetricOut, WireRun, WireRunInfo } from './types.js';

const API = '/api/2.0/mlflow';

export interface MlflowClientOptions {
  /** e.g. http://127.0.0.1:5000 (default: MLFLOW_TRACKING_URI). */
  readonly trackingUri?: string;
  readonly retry?: RetryOptions;
  /** Per-request timeout (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Default: MLFLOW_TRACKING_TOKEN, else MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD. */
  readonly credentials?: Credentials | null;
  readonly fetch?: typeof fetch;
}

export interface CreateRunOptions {
  readonly experimentId: string;
  readonly runName?: string;
  /** Epoch ms (default: now). */
  readonly startTime?: number;
  readonly tags?: KeyValues;
  readonly userId?: string;
}

export interface SearchRunsOptions {
  readonly experimentIds: readonly string[];
  /** MLflow search syntax, e.g. tags.`veriflow.run` = '123' and attributes.status = 'FINISHED'. */
  readonly filter?: string;
  /** Page size (server default 1000, at most 50 000). */
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly orderBy?: readonly string[];
  readonly runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
}

export interface LogBatchResult {
  /** Requests sent. */
  readonly requests: number;
  /** What `invalid: 'fix'` changed or dropped. */
  readonly fixes: readonly string[];
}

export class MlflowClient {
  readonly http: MlflowHttp;

  constructor(options: MlflowClientOptions = {}) {
    const trackingUri = options.trackingUri ?? process.env['MLFLOW_TRACKING_URI'];
    if (!trackingUri) throw new Error('no MLflow tracking URI: pass trackingUri or set MLFLOW_TRACKING_URI (e.g. http://127.0.0.1:5000)');
    this.http = new MlflowHttp({ ...options, trackingUri });
  }

  get trackingUri(): string {
    return this.http.baseUrl;
  }

  /** True when the server answers /health; never throws, never retries. */
  async health(timeoutMs = 5_000): Promise<boolean> {
    try {
      await this.http.send({ method: 'GET', path: '/health', idempotent: true, maxAttempts: 1, timeoutMs }, (res) => res.text());
      return true;
    } catch {
      return false;
    }
  }

  // ---- experiments ----

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const res = await this.http.json<{ experiment: WireExperiment }>({ method: 'GET', path: `${API}/experiments/get-by-name`, query: { experiment_name: name }, idempotent: true });
      return toExperiment(res.experiment);
    } catch (error) {
      if (isMlflowError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const res = await this.http.json<{ experiment: WireExperiment }>({ method: 'GET', path: `${API}/experiments/get`, query: { experiment_id: experimentId }, idempotent: true });
    return toExperiment(res.experiment);
  }

  /** Creates an experiment; returns its id. Fails with RESOURCE_ALREADY_EXISTS when the name is taken. */
  async createExperiment(name: string, tags?: KeyValues): Promise<string> {
    const res = await this.http.json<{ experiment_id: string }>({
      method: 'POST',
      path: `${API}/experiments/create`,
      json: { name, tags: validateBatch({ tags: tags ?? [] }).tags },
      idempotent: false,
    });
    return res.experiment_id;
  }

  /** Moves the experiment to the `deleted` stage (its name stays taken until `mlflow gc`). */
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.http.json({ method: 'POST', path: `${API}/experiments/delete`, json: { experiment_id: experimentId }, idempotent: true });
  }

  /** The experiment named `name`, created if missing; safe against concurrent creators and lost answers. */
  getOrCreateExperiment(name: string, tags?: KeyValues): Promise<Experiment> {
    return getOrCreateExperiment(this, name, tags);
  }

  // ---- runs ----

  /** Creates a run. Not idempotent: a lost answer is not resent (see createRunIdempotent). */
  async createRun(options: CreateRunOptions): Promise<Run> {
    const tags = validateBatch({ tags: options.tags ?? [] }).tags;
    const res = await this.http.json<{ run: WireRun }>({
      method: 'POST',
      path: `${API}/runs/create`,
      json: {
        experiment_id: options.experimentId,
        run_name: options.runName,
        start_time: options.startTime ?? Date.now(),
        tags,
        user_id: options.userId,
      },
      idempotent: false,
    });
    return toRun(res.run);
  }

  /**
   * Creates a run at most once per `idempotencyTag`: returns the active run that already carries the
   * tag, else creates one carrying it. After a failed or ambiguous create it searches again before
   * creating anew, so a create whose answer was lost does not leave two runs. (Not a lock: two
   * processes creating the same tag at the same moment can still make two.)
   */
  createRunIdempotent(options: IdempotentRunOptions): Promise<Run> {
    return createRunIdempotent(this, options);
  }

  async getRun(runId: string): Promise<Run> {
    const res = await this.http.json<{ run: WireRun }>({ method: 'GET', path: `${API}/runs/get`, query: { run_id: runId }, idempotent: true });
    return toRun(res.run);
  }

  async updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    const res = await this.http.json<{ run_info: WireRunInfo }>({
      method: 'POST',
      path: `${API}/runs/update`,
      json: { run_id: runId, status: update.status, end_time: update.endTime, run_name: update.runName },
      idempotent: true,
    });
    return toRunInfo(res.run_info);
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    const [tag] = validateBatch({ tags: [{ key, value }] }).tags;
    await this.http.json({ method: 'POST', path: `${API}/runs/set-tag`, json: { run_id: runId, ...tag }, idempotent: true });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.http.json({ method: 'POST', path: `${API}/runs/delete`, json: { run_id: runId }, idempotent: true });
  }

  /** One page of runs. */
  async searchRuns(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken: string | undefined }> {
    const res = await this.http.json<{ runs?: WireRun[]; next_page_token?: string }>({
      method: 'POST',
      path: `${API}/runs/search`,
      json: {
        experiment_ids: options.experimentIds,
        filter: options.filter ?? '',
        max_results: options.maxResults,
        order_by: options.orderBy ?? [],
        page_token: options.pageToken,
        run_view_type: options.runViewType,
      },
      idempotent: true,
    });
    return { runs: (res.runs ?? []).map(toRun), nextPageToken: res.next_page_token || undefined };
  }

  /** Every run matching `options`, page by page. */
  async *iterateRuns(options: Omit<SearchRunsOptions, 'pageToken'>): AsyncGenerator<Run, void, undefined> {
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...options, pageToken });
      yield* page.runs;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  // ---- logging ----

  /** Validates and logs metrics, params and tags, split into as many requests as MLflow's limits need. */
  async logBatch(runId: string, batch: BatchInput, options: { invalid?: InvalidPolicy } = {}): Promise<LogBatchResult> {
    const valid = validateBatch(batch, options.invalid ?? 'throw');
    const requests = splitBatch(valid);
    for (const request of requests) {
      // Resending is harmless: identical metrics are stored once, equal params are accepted, tags overwrite.
      await this.http.json({ method: 'POST', path: `${API}/runs/log-batch`, json: { run_id: runId, ...request }, idempotent: true });
    }
    return { requests: requests.length, fixes: valid.fixes };
  }

  async logInputs(runId: string, datasets: readonly DatasetInputSpec[]): Promise<void> {
    const wire = datasets.map(toWireDatasetInput);
    for (let i = 0; i < wire.length; i += LIMITS.datasetsPerCall) {
      await this.http.json({ method: 'POST', path: `${API}/runs/log-inputs`, json: { run_id: runId, datasets: wire.slice(i, i + LIMITS.datasetsPerCall) }, idempotent: true });
    }
  }

  /** Every logged value of metric `key`, across all pages. */
  async getMetricHistory(runId: string, key: string, pageSize = 10_000): Promise<Metric[]> {
    const out: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.http.json<{ metrics?: WireMetricOut[]; next_page_token?: string }>({
        method: 'GET',
        path: `${API}/metrics/get-history`,
        query: { run_id: runId, metric_key: key, max_results: pageSize, page_token: pageToken },
        idempotent: true,
      });
      out.push(...(page.metrics ?? []).map(toMetric));
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  // ---- artifacts ----

  async uploadArtifact(run: RunRef, localPath: string, artifactPath: string, contentType?: string): Promise<void> {
    await artifacts.uploadArtifact(this.http, await this.#info(run), localPath, artifactPath, contentType === undefined ? {} : { contentType });
  }

  async downloadArtifact(run: RunRef, artifactPath: string): Promise<Uint8Array> {
    return artifacts.downloadArtifact(this.http, await this.#info(run), artifactPath);
  }

  async listArtifacts(run: RunRef, path?: string): Promise<FileInfo[]> {
    return artifacts.listArtifacts(this.http, typeof run === 'string' ? run : 'info' in run ? run.info.runId : run.runId, path);
  }

  async #info(run: RunRef): Promise<RunInfo> {
    if (typeof run === 'string') return (await this.getRun(run)).info;
    return 'info' in run ? run.info : run;
  }
}

/** A run id, or a run / run info as returned by the client (saves a lookup of the artifact root). */
export type RunRef = string | Run | RunInfo;
