import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { Workspace } from '@veriflow/runner';
import { RunStore } from '@veriflow/tracking';
import type { RunArgs } from '../args.js';
import { readReportResults } from '../report/report-results.js';
import { keptReportPath, writeReport } from '../report/write-report.js';
import { UsageError } from '../usage-error.js';
import { withUsageErrors } from './runs.js';

/**
 * What to draw the report from: a results.json as given; for a run id (or `latest`), the workflow's
 * results.json while it still holds that run, else the report the run kept in its folder when it ran
 * (its figures were overwritten since, so it is not redrawn).
 */
async function reportSourceOf(workspaceDir: string, target: string): Promise<{ readonly results: string } | { readonly kept: string; readonly runId: string }> {
  if (target.endsWith('.json')) return { results: target };
  const store = new RunStore(workspaceDir);
  const id = target === 'latest' ? (await store.listRuns())[0]?.id : await withUsageErrors(() => store.resolveRunId(target));
  if (id === undefined) throw new UsageError(`no runs are recorded in ${store.runsDir}, so there is no latest run to report on; run a workflow first`);
  const { run } = await withUsageErrors(() => store.readRun(id));
  const { layout } = new Workspace(workspaceDir);
  const path = layout.workflowResultsFile(run.workflow);
  const held = await readReportResults(path).catch(() => undefined);
  if (held?.runId === id) return { results: path };
  const kept = keptReportPath(layout.runDir(id));
  if (existsSync(kept)) return { kept, runId: id };
  throw new UsageError(`run ${id} is not the one ${path} holds (${held ? `it holds run ${held.runId}` : 'it cannot be read'}), and it kept no report of its own (${kept}): runs before this version kept none; run the workflow again, or pass a results.json you kept`);
}

/** `veriflow report <run | latest | results.json> [-o FILE]`: one self-contained HTML page for the run. */
export async function reportCommand(args: RunArgs): Promise<number> {
  const [target, ...extra] = args.positionals;
  if (target === undefined || extra.length > 0) throw new UsageError('veriflow report needs one run id (or a unique prefix), latest, or one results.json, e.g. veriflow report latest -o report.html');
  const source = await reportSourceOf(args.workspace, target);
  if ('kept' in source) {
    if (args.output !== undefined) await copyFile(source.kept, args.output);
    process.stdout.write(`report of run ${source.runId}: ${relative(process.cwd(), args.output ?? source.kept)}\n`);
    return 0;
  }
  const report = await writeReport(source.results, args.output);
  process.stdout.write(`report of run ${report.runId}: ${relative(process.cwd(), report.path)}\n`);
  return 0;
}
