import { copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileSystemError, writeFileAtomic } from '@veriflow/durable-fs';
import { inlineFigures } from './figures-section.js';
import { renderReport } from './report-html.js';
import { readReportResults } from './report-results.js';

/** Where a run's report lives unless `-o` says otherwise: next to its results.json. */
export const defaultReportPath = (resultsPath: string): string => join(dirname(resultsPath), 'report.html');

/** Draws the report of the run a results.json holds and writes it (atomically) to `outputPath`. */
export async function writeReport(resultsPath: string, outputPath = defaultReportPath(resultsPath)): Promise<{ readonly path: string; readonly runId: string }> {
  const results = await readReportResults(resultsPath);
  await writeFileAtomic(outputPath, renderReport(results, await inlineFigures(results.figures)));
  return { path: outputPath, runId: results.runId };
}

/** Where a run keeps its own copies of results.json and the report, which the next run of its workflow replaces. */
export const keptReportPath = (runDir: string): string => join(runDir, 'report.html');

/**
 * The report a run writes next to its results.json, with copies of both kept in the run's folder so
 * `veriflow report <that run>` still has them after later runs. Best-effort: the results are already
 * safe, so a report that cannot be drawn or written is a warning (through `warn`), never a failed run.
 */
export async function writeRunReport(resultsPath: string, runDir: string, warn: (line: string) => void): Promise<string | undefined> {
  try {
    const { path } = await writeReport(resultsPath);
    await copyFile(resultsPath, join(runDir, 'results.json'));
    await copyFile(path, keptReportPath(runDir));
    return path;
  } catch (error) {
    warn(`veriflow: warning: could not write the HTML report: ${fileSystemError(error)?.message ?? (error as Error).message}; the run's results are unaffected (veriflow report latest draws it again)`);
    return undefined;
  }
}
