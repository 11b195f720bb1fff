import { fileSystemError } from '@veriflow/durable-fs';
import { exportFigures, updateLockFile, writeResultsFile } from '@veriflow/runner';
import type { ExportedFigure, InstanceOutcome, Provenance, RunResult, Workspace } from '@veriflow/runner';
import type { StepRegistry } from '@veriflow/step-api';

export interface RunFilesRequest {
  readonly workspace: Workspace;
  readonly workflow: string;
  readonly file: string;
  readonly instanceNames: ReadonlySet<string>;
  /** For each instance, the instances it reads (recorded in results.json for the report's DAG). */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  readonly result: RunResult;
  readonly registry: StepRegistry;
  readonly choice: { readonly preset: string | undefined; readonly overrides: readonly string[] };
  readonly provenance: Provenance;
  /** The resolved params and seed, so `veriflow check` can re-evaluate the expectations from results.json alone. */
  readonly inputs: { readonly params: Readonly<Record<string, unknown>>; readonly seed: number };
}

export interface RunFiles {
  readonly figures: readonly ExportedFigure[];
  /** Whether results.json holds this run. */
  readonly resultsWritten: boolean;
  /** One sentence per file that could not be written (a full disk, a read-only workspace). */
  readonly problems: readonly string[];
}

const reasonOf = (error: unknown): string => fileSystemError(error)?.message ?? (error instanceof Error ? error.message : String(error));

/** Which instances finished, for a user who has no results file to read it from. */
export function finishedSummary(outcomes: readonly InstanceOutcome[]): string {
  const names = (statuses: readonly string[]): string[] => outcomes.filter((outcome) => statuses.includes(outcome.status)).map((outcome) => outcome.name);
  const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(', '));
  return `finished (${names(['succeeded', 'cached']).length}): ${list(names(['succeeded', 'cached']))}; not finished: ${list(names(['failed', 'skipped', 'cancelled']))}`;
}

/**
 * Writes what a run leaves next to its workflow: lock.json, the figures and results.json. Each is tried
 * even when an earlier one failed, so a lock file the disk refused still leaves the results behind.
 */
export async function writeRunFiles(request: RunFilesRequest): Promise<RunFiles> {
  const { workspace, workflow, result } = request;
  const problems: string[] = [];
  try {
    await updateLockFile(workspace.layout, workflow, request.file, request.provenance, result.lockEntries, request.instanceNames);
  } catch (error) {
    problems.push(`could not update the lock file: ${reasonOf(error)}`);
  }
  let figures: ExportedFigure[] = [];
  try {
    figures = await exportFigures(workspace, workflow, result.outcomes, request.registry);
  } catch (error) {
    problems.push(`could not export the figures: ${reasonOf(error)}`);
  }
  try {
    await writeResultsFile(workspace.layout.workflowResultsFile(workflow), workflow, result, request.choice, request.provenance, figures, request.inputs, request.upstream);
    return { figures, resultsWritten: true, problems };
  } catch (error) {
    problems.push(`could not write the results file: ${reasonOf(error)}\n  ${finishedSummary(result.outcomes)}`);
    return { figures, resultsWritten: false, problems };
  }
}
