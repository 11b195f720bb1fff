import type { InstanceOutcome, RunEnd } from '../observe/run-observer.js';
import { describeReason } from '../plan/reasons.js';
import { writeJsonAtomic } from '@veriflow/durable-fs';
import type { Provenance } from './environment.js';

export const RESULTS_FORMAT = 1;

/** Machine-readable results of the last run, next to the lock file. */
export interface ResultsFile {
  readonly format: typeof RESULTS_FORMAT;
  readonly workflow: string;
  readonly runId: string;
  readonly status: RunEnd['status'];
  readonly durationMs: number;
  /** `--preset` of the run, or null for the workflow's default params. */
  readonly preset: string | null;
  /** `--set` arguments as given (applied after the preset). */
  readonly overrides: readonly string[];
  readonly provenance: Provenance;
  /** Image outputs of the run, copied next to this file. */
  readonly figures: readonly { readonly instance: string; readonly output: string; readonly path: string }[];
  /** Each instance with `upstream`: the instances it read (the edges of the DAG a report draws). */
  readonly instances: readonly (Omit<InstanceOutcome, 'reason'> & { readonly reason: string; readonly upstream: readonly string[] })[];
  /** The resolved params and seed the expectations read: with `instances`, what `veriflow check` re-evaluates them on. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly expectations: RunEnd['expectations'];
}

export async function writeResultsFile(
  path: string,
  workflow: string,
  end: RunEnd,
  choice: { readonly preset: string | undefined; readonly overrides: readonly string[] },
  provenance: Provenance,
  figures: ResultsFile['figures'],
  inputs: { readonly params: Readonly<Record<string, unknown>>; readonly seed: number },
  upstream: ReadonlyMap<string, readonly string[]>,
): Promise<ResultsFile> {
  const results: ResultsFile = {
    format: RESULTS_FORMAT,
    workflow,
    runId: end.runId,
    status: end.status,
    durationMs: end.durationMs,
    preset: choice.preset ?? null,
    overrides: choice.overrides,
    provenance,
    figures,
    instances: end.outcomes.map((outcome) => ({ ...outcome, reason: describeReason(outcome.reason), upstream: upstream.get(outcome.name) ?? [] })),
    params: inputs.params,
    seed: inputs.seed,
    expectations: end.expectations,
  };
  await writeJsonAtomic(path, results);
  return results;
}
