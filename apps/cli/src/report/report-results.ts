import { readFile } from 'node:fs/promises';
import type { ResultsFile } from '@veriflow/runner';
import { UsageError } from '../usage-error.js';

export type ReportResults = ResultsFile;
export type ReportInstance = ResultsFile['instances'][number];

/** Instances grouped by step, in the order the run lists them. */
export function byStep(instances: readonly ReportInstance[]): Map<string, ReportInstance[]> {
  const groups = new Map<string, ReportInstance[]>();
  for (const instance of instances) groups.set(instance.step, [...(groups.get(instance.step) ?? []), instance]);
  return groups;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A results.json as `veriflow run` writes it, with what older files lack filled in (no `upstream`: a DAG
 * without edges), so a report can be drawn from any run's results.
 */
export async function readReportResults(path: string): Promise<ReportResults> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}; pass a results.json written by veriflow run (in .veriflow/workflows/<name>/), a run id or latest`);
  }
  const required = ['workflow', 'runId', 'status', 'instances'] as const;
  const missing = isObject(parsed) ? required.filter((field) => parsed[field] === undefined) : required;
  if (!isObject(parsed) || missing.length > 0 || !Array.isArray(parsed.instances)) throw new UsageError(`${path} is not a veriflow results file: it lacks ${missing.join(', ') || 'a list of instances'}`);
  const results = parsed as unknown as ResultsFile;
  return {
    ...results,
    overrides: results.overrides ?? [],
    figures: results.figures ?? [],
    expectations: results.expectations ?? [],
    params: results.params ?? {},
    instances: results.instances.map((instance) => ({ ...instance, matrix: instance.matrix ?? {}, values: instance.values ?? {}, metrics: instance.metrics ?? {}, upstream: instance.upstream ?? [] })),
  };
}
