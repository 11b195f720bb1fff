import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, writeJsonAtomic } from '@veriflow/durable-fs';
import { assertCacheKey, isCacheKey, isDigest } from './digest.js';
import type { ObjectStore } from './object-store.js';
import { readdirOrEmpty } from './read-dir.js';

export const INSTANCE_RECORD_FORMAT = 1;

export type RecordedOutput =
  | { readonly kind: 'artifact'; readonly digest: string; readonly size: number }
  | { readonly kind: 'value'; readonly value: unknown };

export interface MetricPoint {
  readonly value: number;
  readonly step: number;
}

/** Everything the cache remembers about one finished instance. */
export interface InstanceRecord {
  readonly format: typeof INSTANCE_RECORD_FORMAT;
  /** Cache key: hex digest of the instance's canonical identity. */
  readonly key: string;
  /** Step id in the workflow. */
  readonly step: string;
  /** Step kind, `library/kind`. */
  readonly kind: string;
  /** Version of the step kind that produced this record. */
  readonly version: string;
  /** Stable instance name, e.g. `train[lr=0.1]`. */
  readonly name: string;
  readonly with: unknown;
  /** Input reference → digest of what was consumed. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, RecordedOutput>>;
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>;
  readonly seed: number;
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly host: string;
  readonly attempts: number;
  readonly runId?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type MissReason = 'no-record' | 'corrupt-record' | 'outputs-missing' | 'outputs-corrupt';

export type InspectResult =
  | { readonly status: 'hit'; readonly record: InstanceRecord }
  | { readonly status: 'miss'; readonly reason: MissReason; readonly detail?: string };

/**
 * The cache: one JSON record per key at `<root>/<key[0..2]>/<key>.json`. A record only exists once
 * every artifact it names is in the object store, so "record present and objects present" is the
 * definition of a cache hit.
 */
export class InstanceRecords {
  constructor(
    readonly root: string,
    readonly objects: ObjectStore,
  ) {}

  pathOf(key: string): string {
    assertCacheKey(key);
    return join(this.root, key.slice(0, 2), `${key}.json`);
  }

  /** The record stored under `key` as written, or why there is none usable; its artifacts are not looked at. */
  load(key: string): { readonly record: InstanceRecord } | { readonly reason: 'no-record' | 'corrupt-record'; readonly detail?: string } {
    let text: string;
    try {
      // Records are small and a plan reads thousands of them in order: a synchronous read is several
      // times faster than a promise round-trip per file.
      text = readFileSync(this.pathOf(key), 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { reason: 'no-record' };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { reason: 'corrupt-record', detail: `invalid JSON: ${(error as Error).message}` };
    }
    const problem = recordProblem(parsed, key);
    if (problem) return { reason: 'corrupt-record', detail: problem };
    return { record: parsed as InstanceRecord };
  }

  /**
   * Decides hit or miss. Artifacts are checked against their fingerprints and re-hashed when those
   * changed (see ObjectStore.check); with `verify`, always re-hashed.
   */
  async inspect(key: string, options: { verify?: boolean } = {}): Promise<InspectResult> {
    const loaded = this.load(key);
    if (!('record' in loaded)) return { status: 'miss', ...loaded };
    const { record } = loaded;
    for (const [name, output] of Object.entries(record.outputs)) {
      if (output.kind !== 'artifact') continue;
      const health = await this.objects.check(output.digest, output.size, { rehash: options.verify ?? false });
      if (health.status === 'missing') return { status: 'miss', reason: 'outputs-missing', detail: `output "${name}" (${output.digest}) is gone from the object store` };
      if (health.status === 'corrupt') return { status: 'miss', reason: 'outputs-corrupt', detail: `${name} ${health.problem}` };
    }
    return { status: 'hit', record };
  }

  /** The record when it is a usable cache hit; undefined for every kind of miss (see `inspect` for why). */
  async read(key: string, options: { verify?: boolean } = {}): Promise<InstanceRecord | undefined> {
    const result = await this.inspect(key, options);
    return result.status === 'hit' ? result.record : undefined;
  }

  /**
   * Writes the record atomically. Refuses when an artifact it names is not stored yet: a record
   * that points at nothing would be a false hit after a crash.
   */
  async write(record: InstanceRecord): Promise<void> {
    const path = this.pathOf(record.key);
    const problem = recordProblem(record, record.key);
    if (problem) throw new Error(`Refusing to write cache record ${record.key}: ${problem}`);
    for (const [name, output] of Object.entries(record.outputs)) {
      if (output.kind === 'artifact' && this.objects.sizeOf(output.digest) !== output.size) {
        throw new Error(`Refusing to write cache record ${record.key}: store output "${name}" (${output.digest}) in the object store first`);
      }
    }
    await writeJsonAtomic(path, record);
  }

  /** Forgets a record (e.g. `--force`); missing records are fine. */
  async remove(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: unknown) => {
      if (!isErrno(error, 'ENOENT')) throw error;
    });
  }

  /** Every key with a record file, in no particular order (for gc and status). */
  async keys(): Promise<string[]> {
    const keys: string[] = [];
    for (const shard of await readdirOrEmpty(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdirOrEmpty(join(this.root, shard))) {
        const key = name.endsWith('.json') ? name.slice(0, -'.json'.length) : '';
        if (isCacheKey(key) && key.startsWith(shard)) keys.push(key);
      }
    }
    return keys;
  }
}

/** Why `value` is not a usable record for `key`, or undefined when it is. */
function recordProblem(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.format !== INSTANCE_RECORD_FORMAT) {
    return `format ${JSON.stringify(value.format)} is not supported by this veriflow version (expected ${INSTANCE_RECORD_FORMAT})`;
  }
  if (value.key !== key) return `record says key ${JSON.stringify(value.key)} but is stored under ${key}`;
  for (const field of ['step', 'kind', 'version', 'name', 'startedAt', 'endedAt', 'host'] as const) {
    if (typeof value[field] !== 'string') return `field "${field}" must be a string`;
  }
  for (const field of ['seed', 'durationMs', 'attempts'] as const) {
    if (typeof value[field] !== 'number') return `field "${field}" must be a number`;
  }
  if (!isObject(value.inputs) || !Object.values(value.inputs).every((d) => typeof d === 'string')) {
    return 'field "inputs" must map references to digest strings';
  }
  if (!isObject(value.metrics)) return 'field "metrics" must be an object';
  if (!isObject(value.outputs)) return 'field "outputs" must be an object';
  for (const [name, output] of Object.entries(value.outputs)) {
    const ok =
      isObject(output) &&
      ((output.kind === 'artifact' && isDigest(output.digest) && typeof output.size === 'number') ||
        (output.kind === 'value' && 'value' in output));
    if (!ok) return `output "${name}" must be {kind:'artifact', digest, size} or {kind:'value', value}`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
