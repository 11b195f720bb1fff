import { writeFile } from 'node:fs/promises';
import { finalMetrics, RunStore } from '@veriflow/tracking';
import { evaluateExpectations } from '@veriflow/workflow';
import type { ExpectationResult } from '@veriflow/workflow';
import type { RunArgs } from '../args.js';
import { compareWithBaseline, DEFAULT_TOLERANCES, instanceNumbers } from '../check/baseline-comparison.js';
import type { BaselineComparison } from '../check/baseline-comparison.js';
import { renderComparison } from '../render/baseline.js';
import { isRegression, REGRESSION_EXIT_CODE, renderExpectations } from '../render/expectations.js';
import { renderJunit } from '../render/junit.js';
import { UsageError } from '../usage-error.js';
import { readRecordedResults, resultsPathOf, specOf } from './recorded-results.js';
import type { RecordedRun } from './recorded-results.js';
import { withUsageErrors } from './runs.js';

async function fromRunStore(workspace: string, query: string): Promise<RecordedRun> {
  const { run, instances, expectations } = await withUsageErrors(() => new RunStore(workspace).readRun(query));
  return {
    workflow: run.workflow,
    source: `run ${run.id}`,
    specs: (expectations?.results ?? []).map(specOf),
    inputs: {
      params: expectations?.params ?? {},
      seed: expectations?.seed ?? 0,
      runStatus: run.status === 'succeeded' ? 'succeeded' : run.status === 'cancelled' ? 'cancelled' : 'failed',
      instances,
    },
    numbers: instances.map((instance) => instanceNumbers(instance.name, finalMetrics(instance.metrics), instance.values)),
  };
}

/** A results.json, a folder holding one, or a run id (or unique prefix) in the workspace's run store. */
async function readRecorded(workspace: string, target: string): Promise<RecordedRun> {
  const path = await resultsPathOf(target);
  return path === undefined ? fromRunStore(workspace, target) : readRecordedResults(path);
}

function tolerancesOf(args: RunArgs): BaselineComparison['tolerances'] {
  if (args.against === undefined && (args.relTol !== undefined || args.absTol !== undefined)) throw new UsageError('--rel-tol and --abs-tol set how far numbers may move from a baseline; give the baseline with --against RUN|results.json');
  return { rel: args.relTol ?? DEFAULT_TOLERANCES.rel, abs: args.absTol ?? DEFAULT_TOLERANCES.abs };
}

/**
 * `veriflow check <run-or-results.json> [--against BASELINE] [--junit FILE] [--json]`: re-evaluates a
 * recorded run's expectations from its results, running nothing, and compares its numbers with a
 * baseline's; exit 3 when a claim does not hold or a number moved.
 */
export async function checkCommand(args: RunArgs): Promise<number> {
  const [target, ...extra] = args.positionals;
  if (target === undefined || extra.length > 0) throw new UsageError('veriflow check needs one run id (or a unique prefix) or one results.json, e.g. veriflow check .veriflow/workflows/my-sweep/results.json');
  const tolerances = tolerancesOf(args);
  const recorded = await readRecorded(args.workspace, target);
  const baseline = args.against === undefined ? undefined : await readRecorded(args.workspace, args.against).catch((error: unknown) => {
    throw error instanceof UsageError ? new UsageError(`the baseline (--against): ${error.message}`) : error;
  });
  if (recorded.specs.length === 0 && !baseline) throw new UsageError(`${recorded.source} records no expectations: its workflow has no expect: section (or the run ended before evaluating them), so there is nothing to check; compare its numbers with a baseline with --against`);
  const results: ExpectationResult[] = evaluateExpectations(recorded.specs, recorded.inputs);
  const comparison = baseline && compareWithBaseline(recorded.numbers, baseline.numbers, tolerances);
  const regression = isRegression(results) || (comparison?.moved.length ?? 0) > 0;
  if (args.json) {
    const against = comparison && { baseline: baseline!.source, ...comparison };
    process.stdout.write(`${JSON.stringify({ workflow: recorded.workflow, source: recorded.source, runStatus: recorded.inputs.runStatus, regression, expectations: results, against }, null, 2)}\n`);
  } else {
    const parts = [`${recorded.workflow}, ${recorded.source}`];
    if (results.length > 0) parts.push(renderExpectations(results));
    if (comparison) parts.push(renderComparison(comparison, baseline!.source));
    process.stdout.write(`${parts.join('\n')}\n`);
  }
  if (args.junit) {
    await writeFile(args.junit, renderJunit(recorded.workflow, results, comparison && { comparison, baseline: baseline!.source }));
    if (!args.json) process.stdout.write(`JUnit report: ${args.junit}\n`);
  }
  if (recorded.inputs.runStatus !== 'succeeded') return 1;
  return regression ? REGRESSION_EXIT_CODE : 0;
}
