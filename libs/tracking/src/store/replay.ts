import type { MetricPoint, TrackedExpectations, TrackedInstance, TrackedInstanceStatus, TrackedRun, TrackingEvent } from '../model.js';
import { decodeNumber } from './encode.js';

export interface ReplayedRun {
  readonly run: TrackedRun;
  /** In the order they first appeared in the log. */
  readonly instances: TrackedInstance[];
  /** The run's evaluated `expect:` claims; undefined when the run declared none or ended before evaluating them. */
  readonly expectations: TrackedExpectations | undefined;
  /** Lines that were not events: a torn last line (killed mid-write) or damage inside the log. */
  readonly skippedLines: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Building = Mutable<Omit<TrackedInstance, 'metrics'>> & { metrics: MetricPoint[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOr = <T>(value: unknown, fallback: T): string | T => (typeof value === 'string' ? value : fallback);
const numberOr = <T>(value: unknown, fallback: T): number | T => (typeof value === 'number' ? value : fallback);
const recordOr = <T>(value: unknown, fallback: T): T => (isObject(value) ? (value as T) : fallback);
const arrayOr = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** `train[p=0.3]` belongs to step `train`; used only when a log lost the event that named the step. */
const stepOf = (name: string): string => name.split('[')[0] ?? name;

function decodePoint(raw: unknown): MetricPoint | undefined {
  if (!isObject(raw) || typeof raw.key !== 'string') return undefined;
  return { key: raw.key, value: decodeNumber(raw.value), step: numberOr(raw.step, 0), timestamp: numberOr(raw.timestamp, 0) };
}

function emptyInstance(runId: string, name: string): Building {
  return {
    runId,
    name,
    step: stepOf(name),
    kind: '',
    version: '',
    matrix: {},
    status: 'running',
    cacheKey: undefined,
    producedByRun: undefined,
    params: {},
    tags: {},
    metrics: [],
    datasets: [],
    artifacts: [],
    values: {},
    startedAt: undefined,
    endedAt: undefined,
    error: undefined,
  };
}

const pointId = (p: MetricPoint): string => `${p.key}\u0000${p.step}\u0000${p.timestamp}\u0000${p.value}`;

/** Streamed points first; the final event's own points (e.g. copied from the run a cached instance came from) fill in the rest. */
function mergeMetrics(streamed: readonly MetricPoint[], final: readonly MetricPoint[]): MetricPoint[] {
  const seen = new Set(streamed.map(pointId));
  return [...streamed, ...final.filter((p) => !seen.has(pointId(p)))];
}

function normaliseRun(raw: Record<string, unknown>): TrackedRun | undefined {
  if (typeof raw.id !== 'string' || typeof raw.workflow !== 'string') return undefined;
  return {
    id: raw.id,
    workflow: raw.workflow,
    file: stringOr(raw.file, ''),
    fileHash: stringOr(raw.fileHash, ''),
    gitCommit: stringOr(raw.gitCommit, undefined),
    user: stringOr(raw.user, ''),
    host: stringOr(raw.host, ''),
    startedAt: numberOr(raw.startedAt, 0),
    endedAt: undefined,
    status: 'running',
    preset: stringOr(raw.preset, undefined),
    overrides: arrayOr<string>(raw.overrides).filter((item) => typeof item === 'string'),
    experiment: stringOr(raw.experiment, raw.workflow),
  };
}

function finishInstance(previous: Building, raw: Record<string, unknown>): Building {
  const points = arrayOr<unknown>(raw.metrics).map(decodePoint).filter((p): p is MetricPoint => p !== undefined);
  return {
    ...previous,
    step: stringOr(raw.step, previous.step),
    kind: stringOr(raw.kind, previous.kind),
    version: stringOr(raw.version, previous.version),
    matrix: recordOr(raw.matrix, previous.matrix),
    status: stringOr(raw.status, 'succeeded') as TrackedInstanceStatus,
    cacheKey: stringOr(raw.cacheKey, undefined),
    producedByRun: stringOr(raw.producedByRun, undefined),
    params: recordOr(raw.params, {}),
    tags: recordOr(raw.tags, {}),
    metrics: mergeMetrics(previous.metrics, points),
    datasets: arrayOr(raw.datasets),
    artifacts: arrayOr(raw.artifacts),
    values: recordOr(raw.values, {}),
    startedAt: numberOr(raw.startedAt, previous.startedAt),
    endedAt: numberOr(raw.endedAt, undefined),
    error: stringOr(raw.error, undefined),
  };
}

/** Parses log lines, dropping any that are not whole events (only the last one can be torn by a kill). */
export function parseEventLines(text: string): { events: TrackingEvent[]; skippedLines: number } {
  const events: TrackingEvent[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      skippedLines++;
      continue;
    }
    if (isObject(parsed) && typeof parsed.type === 'string') events.push(parsed as unknown as TrackingEvent);
    else skippedLines++;
  }
  return { events, skippedLines };
}

/**
 * Rebuilds a run from its event log. Never throws on damaged input: a run with no run-finished is
 * `interrupted`, as are its instances that started and never finished, unless `live` says its writer
 * is still at work (then both stay `running`). Returns undefined when the log does not even hold the
 * run-started event. Unknown event types (from newer versions) are ignored.
 */
export function replayRun(text: string, options: { live?: boolean } = {}): ReplayedRun | undefined {
  const { events, skippedLines } = parseEventLines(text);
  let run: Mutable<TrackedRun> | undefined;
  let finished: TrackingEvent & { type: 'run-finished' } | undefined;
  const instances = new Map<string, Building>();
  let expectations: TrackedExpectations | undefined;
  const instance = (name: string): Building => {
    let found = instances.get(name);
    if (!found) instances.set(name, (found = emptyInstance(run!.id, name)));
    return found;
  };
  for (const event of events) {
    const raw = event as unknown as Record<string, unknown>;
    if (event.type === 'run-started') {
      // A second run-started would be a different run glued on; the first one owns the log.
      if (!run && isObject(raw.run)) run = normaliseRun(raw.run);
      continue;
    }
    if (!run) continue;
    if (event.type === 'instance-started' && typeof raw.name === 'string') {
      const target = instance(event.name);
      target.status = 'running';
      target.step = stringOr(raw.step, target.step);
      target.kind = stringOr(raw.kind, target.kind);
      target.version = stringOr(raw.version, target.version);
      target.matrix = recordOr(raw.matrix, target.matrix);
      target.startedAt ??= numberOr(raw.time, undefined);
    } else if (event.type === 'metric' && typeof raw.name === 'string') {
      const point = decodePoint(raw.point);
      if (point) instance(event.name).metrics.push(point);
    } else if (event.type === 'instance-finished' && isObject(raw.instance) && typeof raw.instance.name === 'string') {
      instances.set(raw.instance.name, finishInstance(instance(raw.instance.name), raw.instance));
    } else if (event.type === 'expectations' && Array.isArray(raw.results)) {
      expectations = { params: recordOr(raw.params, {}), seed: numberOr(raw.seed, 0), results: event.results };
    } else if (event.type === 'run-finished' && typeof raw.status === 'string') {
      finished = event;
    }
  }
  if (!run) return undefined;
  if (!finished && options.live) return { run, instances: [...instances.values()], expectations, skippedLines };
  run.status = finished ? finished.status : 'interrupted';
  run.endedAt = finished ? numberOr(finished.time, undefined) : undefined;
  // An instance still running when the log ends was cut off, by the run's cancellation or by a kill.
  const cutOff: TrackedInstanceStatus = finished?.status === 'cancelled' ? 'cancelled' : 'interrupted';
  for (const item of instances.values()) if (item.status === 'running') item.status = cutOff;
  return { run, instances: [...instances.values()], expectations, skippedLines };
}
