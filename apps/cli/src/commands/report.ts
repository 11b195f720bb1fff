import { relative } from 'node:path';
import { Workspace } from '@veriflow/runner';
import { RunStore } from '@veriflow/tracking';
import type { RunArgs } from '../args.js';
import { readReportResults } from '../report/report-results.js';
import { writeReport } from '../report/write-report.js';
import { UsageError } from '../usage-error.js';
import { withUsageErrors } from './runs.js';

/** The results.json holding a run: a path as given, or the run store's run (or `latest`, the newest) looked up by id. */
async function resultsPathOf(workspaceDir: string, target: string): Promise<string> {
  if (target.endsWith('.json')) return target;
  const store = new RunStore(workspaceDir);
  const id = target === 'latest' ? (await store.listRuns())[0]?.id : await withUsageErrors(() => store.resolveRunId(target));
  if (id === undefined) throw new UsageError(`no runs are recorded in ${store.runsDir}, so there is no latest run to report on; run a workflow first`);
  const { run } = await withUsageErrors(() => store.readRun(id));
  const path = new Workspace(workspaceDir).layout.workflowResultsFile(run.workflow);
  const held = await readReportResults(path).catch(() => undefined);
  // results.json holds only the latest run of each workflow; the report of an earlier one is the one written when it ran.
  if (held?.runId !== id) throw new UsageError(`run ${id} is not the one ${path} holds (${held ? `it holds run ${held.runId}` : 'it cannot be read'}): only the last run of workflow ${run.workflow} can be reported on; run it again, or pass a results.json you kept`);
  return path;
}

/** `veriflow report <run | latest | results.json> [-o FILE]`: one self-contained HTML page for the run. */
export async function reportCommand(args: RunArgs): Promise<number> {
  const [target, ...extra] = args.positionals;
  if (target === undefined || extra.length > 0) throw new UsageError('veriflow report needs one run id (or a unique prefix), latest, or one results.json, e.g. veriflow report latest -o report.html');
  const report = await writeReport(await resultsPathOf(args.workspace, target), args.output);
  process.stdout.write(`report of run ${report.runId}: ${relative(process.cwd(), report.path)}\n`);
  return 0;
}
