/**
 * MLflow's limits on `runs/log-batch` (as of mlflow 3.17, `mlflow/utils/validation.py`), client-side
 * validation that names the offending key, and splitting of large batches into valid requests.
 */

export const LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  /** The server refuses log-batch bodies over 1e6 bytes; splitting keeps a margin under it. */
  requestBytes: 1_000_000,
  splitBytes: 900_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  datasetsPerCall: 1000,
  datasetName: 500,
  datasetDigest: 36,
  datasetSource: 65_535,
  datasetSchema: 1_048_575,
  datasetProfile: 16_777_215,
  inputTagKey: 255,
  inputTagValue: 500,
} as const;

export interface MetricInput {
  readonly key: string;
  readonly value: number;
  /** Integer step (default 0). */
  readonly step?: number;
  /** Epoch milliseconds (default: now). */
  readonly timestamp?: number;
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export type KeyValues = readonly KeyValue[] | Readonly<Record<string, string>>;

export interface BatchInput {
  readonly metrics?: readonly MetricInput[];
  readonly params?: KeyValues;
  readonly tags?: KeyValues;
}

export interface WireMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface WireBatch {
  metrics: WireMetric[];
  params: KeyValue[];
  tags: KeyValue[];
}

/**
 * `throw` (default) refuses invalid entries; `fix` sanitizes keys, truncates long values and drops
 * non-finite metrics, reporting each change in `fixes` (for best-effort sync).
 */
export type InvalidPolicy = 'throw' | 'fix';

export class MlflowValidationError extends Error {
  override readonly name = 'MlflowValidationError';
  constructor(
    readonly entity: 'metric' | 'param' | 'tag' | 'dataset',
    readonly key: string,
    problem: string,
  ) {
    super(`MLflow ${entity} ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}...` : key)} is invalid: ${problem}`);
  }
}

const keyChars = /^[\p{L}\p{N}_\-. /]*$/u;

/** Code points, as MLflow (Python `len`) counts. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function truncate(text: string, max: number): string {
  return textLength(text) <= max ? text : Array.from(text).slice(0, max).join('');
}

/** Why `key` is not a valid metric/param/tag key, or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return 'keys must not be empty';
  if (!keyChars.test(key)) return 'keys may only contain letters, digits, underscores (_), dashes (-), periods (.), spaces ( ) and slashes (/)';
  if (textLength(key) > LIMITS.keyLength) return `keys are at most ${LIMITS.keyLength} characters (this one has ${textLength(key)})`;
  const segments = key.split('/');
  if (key.startsWith('/') || segments.some((s, i) => s === '.' || s === '..' || (s === '' && i > 0))) {
    return 'keys are treated as paths and must be normalized: no leading, trailing or double slash, no "." or ".." segments';
  }
  return undefined;
}

/** A valid key close to `key`: other characters become `_`, the path is normalized, the length capped. */
export function sanitizeKey(key: string): string {
  const cleaned = key.replace(/[^\p{L}\p{N}_\-. /]/gu, '_');
  const segments = cleaned
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map((s) => (s === '..' ? '__' : s));
  let out = truncate(segments.join('/'), LIMITS.keyLength).replace(/\/+$/, '');
  if (out.endsWith('/.') || out === '.') out = `${out.slice(0, -1)}_`;
  return out === '' ? '_' : out;
}

function entries(values: KeyValues | undefined): KeyValue[] {
  if (values === undefined) return [];
  if (Array.isArray(values)) return [...(values as readonly KeyValue[])];
  return Object.entries(values as Record<string, string>).map(([key, value]) => ({ key, value }));
}

export interface ValidatedBatch extends WireBatch {
  /** What `fix` changed or dropped, one line each (empty under `throw`). */
  readonly fixes: string[];
}

/** Validates a batch against MLflow's rules, or (under `fix`) repairs it. Fills default steps and timestamps. */
export function validateBatch(input: BatchInput, policy: InvalidPolicy = 'throw', now: number = Date.now()): ValidatedBatch {
  const fixes: string[] = [];
  const key = (entity: 'metric' | 'param' | 'tag', raw: string): string => {
    if (typeof raw !== 'string') throw new MlflowValidationError(entity, String(raw), 'keys must be strings');
    const problem = keyProblem(raw);
    if (!problem) return raw;
    if (policy === 'throw') throw new MlflowValidationError(entity, raw, problem);
    const fixed = sanitizeKey(raw);
    fixes.push(`${entity} key ${JSON.stringify(raw)} renamed to ${JSON.stringify(fixed)}`);
    return fixed;
  };
  const value = (entity: 'param' | 'tag', k: string, raw: unknown, max: number): string => {
    if (typeof raw !== 'string') throw new MlflowValidationError(entity, k, `values must be strings, got ${typeof raw}`);
    const length = textLength(raw);
    if (length <= max) return raw;
    if (policy === 'throw') throw new MlflowValidationError(entity, k, `values are at most ${max} characters (this one has ${length})`);
    fixes.push(`${entity} ${JSON.stringify(k)} value truncated from ${length} to ${max} characters`);
    return truncate(raw, max);
  };

  const metrics: WireMetric[] = [];
  for (const m of input.metrics ?? []) {
    const k = key('metric', m.key);
    if (typeof m.value !== 'number' || !Number.isFinite(m.value)) {
      if (policy === 'throw') throw new MlflowValidationError('metric', m.key, `values must be finite numbers, got ${String(m.value)}`);
      fixes.push(`metric ${JSON.stringify(m.key)} value ${String(m.value)} at step ${m.step ?? 0} dropped (not finite)`);
      continue;
    }
    const step = m.step ?? 0;
    const timestamp = m.timestamp ?? now;
    if (!Number.isSafeInteger(step)) throw new MlflowValidationError('metric', m.key, `step must be an integer, got ${step}`);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new MlflowValidationError('metric', m.key, `timestamp must be a non-negative integer (epoch ms), got ${timestamp}`);
    }
    metrics.push({ key: k, value: m.value, timestamp, step });
  }

  const params = new Map<string, string>();
  for (const p of entries(input.params)) {
    const k = key('param', p.key);
    const v = value('param', k, p.value, LIMITS.paramValueLength);
    const previous = params.get(k);
    if (previous !== undefined && previous !== v) {
      if (policy === 'throw') throw new MlflowValidationError('param', k, 'given twice with different values (MLflow params cannot change)');
      fixes.push(`param ${JSON.stringify(k)} given twice; the first value is kept`);
      continue;
    }
    params.set(k, v);
  }

  // Tags can be overwritten: the last value of a key wins.
  const tags = new Map<string, string>();
  for (const t of entries(input.tags)) {
    const k = key('tag', t.key);
    tags.set(k, value('tag', k, t.value, LIMITS.tagValueLength));
  }

  return {
    metrics,
    params: [...params].map(([k, v]) => ({ key: k, value: v })),
    tags: [...tags].map(([k, v]) => ({ key: k, value: v })),
    fixes,
  };
}

function bytes(entry: unknown): number {
  return Buffer.byteLength(JSON.stringify(entry)) + 1;
}

/**
 * Splits a validated batch into requests within every log-batch limit: at most 100 params, 100
 * tags and 1000 entities per request, and bodies under `LIMITS.splitBytes`. Order within each kind
 * is kept. An empty batch gives no requests.
 */
export function splitBatch(batch: WireBatch, maxBytes: number = LIMITS.splitBytes): WireBatch[] {
  const out: WireBatch[] = [];
  let p = 0;
  let t = 0;
  let m = 0;
  const overhead = 200; // run_id and the JSON skeleton
  while (p < batch.params.length || t < batch.tags.length || m < batch.metrics.length) {
    const chunk: WireBatch = { metrics: [], params: [], tags: [] };
    let size = overhead;
    let total = 0;
    const fits = (entry: unknown): boolean => {
      const b = bytes(entry);
      // A lone entry always goes, so the loop always advances.
      if (total > 0 && size + b > maxBytes) return false;
      size += b;
      total++;
      return true;
    };
    while (p < batch.params.length && chunk.params.length < LIMITS.paramsPerBatch && total < LIMITS.entitiesPerBatch && fits(batch.params[p])) {
      chunk.params.push(batch.params[p++]!);
    }
    while (t < batch.tags.length && chunk.tags.length < LIMITS.tagsPerBatch && total < LIMITS.entitiesPerBatch && fits(batch.tags[t])) {
      chunk.tags.push(batch.tags[t++]!);
    }
    while (m < batch.metrics.length && chunk.metrics.length < LIMITS.metricsPerBatch && total < LIMITS.entitiesPerBatch && fits(batch.metrics[m])) {
      chunk.metrics.push(batch.metrics[m++]!);
    }
    out.push(chunk);
  }
  return out;
}
