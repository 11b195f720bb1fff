import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectationInputs, ExpectationInstance, ExpectationSpec } from '@veriflow/workflow';
import { instanceNumbers } from '../check/baseline-comparison.js';
import type { InstanceNumbers } from '../check/baseline-comparison.js';
import { UsageError } from '../usage-error.js';

/** What a recorded run keeps of its expectations: the claims as written, and what they read. */
export interface RecordedRun {
  readonly workflow: string;
  /** Where it was read from, for messages. */
  readonly source: string;
  readonly specs: readonly ExpectationSpec[];
  readonly inputs: ExpectationInputs;
  /** Every instance's numbers, for `check --against`. */
  readonly numbers: readonly InstanceNumbers[];
}

/** A results.json, or a folder holding one (a run's folder as CI uploads it). */
export async function resultsPathOf(target: string): Promise<string | undefined> {
  if (target.endsWith('.json')) return target;
  const info = await stat(target).catch(() => undefined);
  return info?.isDirectory() ? join(target, 'results.json') : undefined;
}

/** The spec part of a recorded result: measured values and status are recomputed, never trusted. */
export function specOf(result: Omit<ExpectationSpec, 'message' | 'tolerance' | 'if'> & { readonly message?: string; readonly tolerance?: number; readonly if?: boolean | string }): ExpectationSpec {
  // Results recorded before expectations had conditions hold none: those claims always applied.
  return { name: result.name, that: result.that, message: result.message, tolerance: result.tolerance, values: result.values ?? {}, if: result.if ?? true };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A results.json as `veriflow run` writes it, checked for what re-evaluating its expectations needs. */
export async function readRecordedResults(path: string): Promise<RecordedRun> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}; pass a results.json written by veriflow run (in .veriflow/workflows/<name>/) or a run id`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const fields = ['workflow', 'status', 'instances'] as const;
  const missing = isObject(parsed) ? fields.filter((field) => parsed[field] === undefined) : fields;
  if (!isObject(parsed) || missing.length > 0) throw new UsageError(`${path} is not a veriflow results file: it lacks ${missing.join(', ')}`);
  if (!Array.isArray(parsed.instances) || !parsed.instances.every(isObject)) throw new UsageError(`${path} is not a veriflow results file: "instances" is not a list of objects`);
  const status = parsed.status;
  const instances = parsed.instances as unknown as (ExpectationInstance & { readonly metrics?: Record<string, number> })[];
  return {
    workflow: String(parsed.workflow),
    source: path,
    specs: (Array.isArray(parsed.expectations) ? parsed.expectations : []).map(specOf),
    inputs: {
      params: isObject(parsed.params) ? parsed.params : {},
      seed: typeof parsed.seed === 'number' ? parsed.seed : 0,
      runStatus: status === 'succeeded' || status === 'cancelled' ? status : 'failed',
      instances,
    },
    numbers: instances.map((instance) => instanceNumbers(instance.name, instance.metrics ?? {}, instance.values ?? {})),
  };
}
