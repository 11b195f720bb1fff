import { writeFile } from 'node:fs/promises';
import { RunStore } from '@veriflow/tracking';
import { evaluateExpectations } from '@veriflow/workflow';
import type { ExpectationResult } from '@veriflow/workflow';
import type { RunArgs } from '../args.js';
import { isRegression, REGRESSION_EXIT_CODE, renderExpectations } from '../render/expectations.js';
import { renderJunit } from '../render/junit.js';
import { UsageError } from '../usage-error.js';
import { readRecordedResults, specOf } from './recorded-results.js';
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
  };
}

/**
 * `veriflow check <run-or-results.json> [--junit FILE]`: re-evaluates a recorded run's expectations from
 * its results, running nothing; exit 3 when one does not hold.
 */
export async function checkCommand(args: RunArgs): Promise<number> {
  const [target, ...extra] = args.positionals;
  if (target === undefined || extra.length > 0) throw new UsageError('veriflow check needs one run id (or a unique prefix) or one results.json, e.g. veriflow check .veriflow/workflows/my-sweep/results.json');
  const recorded = target.endsWith('.json') ? await readRecordedResults(target) : await fromRunStore(args.workspace, target);
  if (recorded.specs.length === 0) throw new UsageError(`${recorded.source} records no expectations: its workflow has no expect: section (or the run ended before evaluating them), so there is nothing to check`);
  const results: ExpectationResult[] = evaluateExpectations(recorded.specs, recorded.inputs);
  process.stdout.write(`${recorded.workflow}, ${recorded.source}\n${renderExpectations(results)}\n`);
  if (args.junit) {
    await writeFile(args.junit, renderJunit(recorded.workflow, results));
    process.stdout.write(`JUnit report: ${args.junit}\n`);
  }
  if (recorded.inputs.runStatus !== 'succeeded') return 1;
  return isRegression(results) ? REGRESSION_EXIT_CODE : 0;
}
