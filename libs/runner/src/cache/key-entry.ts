import { isDeepStrictEqual } from 'node:util';
import { canonicalJson, sha256Hex } from '../store/index.js';
import type { ParamChange, PlanReason } from '../plan/reasons.js';

/** Bump when the meaning of a key entry changes: every cached instance is then recomputed. */
export const KEY_FORMAT = 1;

/**
 * An instance's identity. The cache key is the hash of exactly this document, and the lock file stores
 * exactly this document, so the two can never disagree.
 */
export interface KeyEntry {
  readonly format: typeof KEY_FORMAT;
  readonly kind: string;
  readonly version: string;
  /** The resolved `with`, artifacts replaced by their digests, defaults applied. */
  readonly with: unknown;
  /** `upstreamInstance.output` → digest, for every artifact read. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The environment the workflow file declares for the instance (not the process's). */
  readonly env: Readonly<Record<string, string>>;
  readonly seed: number;
  /** The step kind's environment facts (e.g. its tensor engine), only for kinds that declare them. */
  readonly environment?: Readonly<Record<string, string>>;
}

export function cacheKey(entry: KeyEntry): string {
  return sha256Hex(canonicalJson(entry));
}

function paramChanges(before: unknown, after: unknown, path: string, into: ParamChange[]): void {
  const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isMap(before) && isMap(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      paramChanges(before[key], after[key], path ? `${path}.${key}` : key, into);
    }
  } else if (!isDeepStrictEqual(before, after)) {
    into.push({ path: path || 'with', before, after });
  }
}

/** Why the entry differs from the one recorded for the same instance name last time. */
export function explainChange(previous: KeyEntry | undefined, current: KeyEntry): PlanReason {
  if (!previous) return { kind: 'new' };
  if (previous.version !== current.version || previous.kind !== current.kind) return { kind: 'version-changed', before: `${previous.kind}@${previous.version}`, after: `${current.kind}@${current.version}` };
  const environment: ParamChange[] = [];
  paramChanges(previous.environment ?? {}, current.environment ?? {}, '', environment);
  if (environment.length > 0) return { kind: 'environment-changed', changes: environment };
  const changedInputs = [...new Set([...Object.keys(previous.inputs), ...Object.keys(current.inputs)])].filter((input) => previous.inputs[input] !== current.inputs[input]);
  if (changedInputs.length > 0) return { kind: 'input-changed', inputs: changedInputs.sort() };
  const changes: ParamChange[] = [];
  paramChanges(previous.with, current.with, '', changes);
  paramChanges(previous.env ?? {}, current.env, 'env', changes);
  if (changes.length > 0) return { kind: 'params-changed', changes };
  if (previous.seed !== current.seed) return { kind: 'seed-changed', before: previous.seed, after: current.seed };
  return { kind: 'no-record' };
}
