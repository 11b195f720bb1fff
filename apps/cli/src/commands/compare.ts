import { writeFile } from 'node:fs/promises';
import { renderLineChart } from '@veriflow/steps-core';
import { RunStore, SelectionError, buildComparison, comparisonCsv, comparisonJson, comparisonTable, selectInstances } from '@veriflow/tracking';
import type { RunArgs } from '../args.js';
import { formatCell, renderTable } from '../render/table.js';
import { UsageError } from '../usage-error.js';
import { comparisonFigure } from './compare-figure.js';
import { withUsageErrors } from './runs.js';

const SELECTION_HELP = 'use <run>, <run>:<instance> or <run>:<step>, where <run> is a run id or a unique prefix of one';

function checkOptions(args: RunArgs): void {
  if (args.positionals.length === 0) throw new UsageError(`veriflow compare needs at least one selection: ${SELECTION_HELP}`);
  if (args.figure !== undefined && args.metric === undefined) throw new UsageError('--figure needs --metric KEY: the metric to plot');
  if (args.figure === undefined && (args.metric !== undefined || args.x !== undefined)) throw new UsageError('--metric and --x only apply with --figure FILE');
}

/** Side-by-side instances from one or more runs: the params that differ, final metrics and value outputs. */
export async function compareCommand(args: RunArgs): Promise<number> {
  checkOptions(args);
  const store = new RunStore(args.workspace);
  const instances = await withUsageErrors(async () => {
    try {
      return await selectInstances(store, args.positionals);
    } catch (error) {
      if (error instanceof SelectionError) throw new UsageError(error.message);
      throw error;
    }
  });
  const comparison = buildComparison(instances);
  // Validate the figure before writing anything, so a bad --metric leaves no half-done outputs.
  const figure = args.figure !== undefined ? renderLineChart(comparisonFigure(comparison, args.metric!, args.x)) : undefined;

  if (args.json) process.stdout.write(`${JSON.stringify(comparisonJson(comparison), null, 2)}\n`);
  else if (comparison.rows.length === 0) process.stdout.write('nothing to compare: the selected runs have no instances\n');
  else {
    const { headers, cells } = comparisonTable(comparison, { includeRun: comparison.runs.length > 1 });
    process.stdout.write(`${renderTable(headers, cells.map((row) => row.map(formatCell)))}\n`);
  }
  // Notes go to stderr so that --json output stays parseable.
  if (args.csv !== undefined) {
    await writeFile(args.csv, comparisonCsv(comparison));
    process.stderr.write(`wrote ${args.csv}\n`);
  }
  if (figure !== undefined) {
    await writeFile(args.figure!, figure);
    process.stderr.write(`wrote ${args.figure}\n`);
  }
  return 0;
}
