import type { ExpectationResult, ExpectationStatus } from '@veriflow/workflow';

/** Measured values of lists stay readable up to this many elements. */
const LISTED_ELEMENTS = 8;

const MARKS: Record<ExpectationStatus, string> = { held: '✓', failed: '✗', 'not-evaluated': '–', skipped: '·' };
const WORDS: Record<ExpectationStatus, string> = { held: 'held', failed: 'FAILED', 'not-evaluated': 'not evaluated', skipped: 'skipped' };

/** A measured value: numbers to 4 significant digits, lists element by element (shortened when long). */
export function formatMeasured(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (Array.isArray(value)) {
    const shown = value.slice(0, LISTED_ELEMENTS).map(formatMeasured);
    return `[${shown.join(', ')}${value.length > LISTED_ELEMENTS ? `, … ${value.length - LISTED_ELEMENTS} more` : ''}]`;
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'undefined';
}

/** "2 held, 1 failed, 1 not evaluated" (only the statuses present). */
export function countExpectations(results: readonly Pick<ExpectationResult, 'status'>[]): string {
  const order: ExpectationStatus[] = ['held', 'failed', 'not-evaluated', 'skipped'];
  return order
    .map((status) => [status, results.filter((result) => result.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status === 'not-evaluated' ? 'not evaluated' : status}`)
    .join(', ');
}

/** An evaluated expectation as the run, results.json or the run store holds it. */
export type ShownExpectation = Omit<ExpectationResult, 'message' | 'tolerance' | 'if'> & { readonly message?: string; readonly tolerance?: number; readonly if?: boolean | string };

/** `label = value` for each measured value, and the tolerance unless the claim's comparison already shows it. */
export function measuredLines(result: ShownExpectation): string[] {
  const lines = Object.entries(result.measured).map(([label, value]) => `${label} = ${formatMeasured(value)}`);
  if (result.tolerance !== undefined && !Object.hasOwn(result.measured, 'tolerance')) lines.push(`tolerance = ${formatMeasured(result.tolerance)}`);
  return lines;
}

/** One line per expectation, then its measured values and why it failed, indented under it. */
export function renderExpectations(results: readonly ShownExpectation[]): string {
  const lines = [`expectations: ${countExpectations(results)}`];
  for (const result of results) {
    // A skipped claim was not judged: why it was skipped is all there is to say, on its line.
    const skipped = result.status === 'skipped';
    const said = skipped ? ` (${result.reason ?? 'skipped'})` : result.status === 'held' || result.message === undefined ? '' : `: ${result.message}`;
    lines.push(`  ${MARKS[result.status]} ${result.name} ${WORDS[result.status]}${said}`);
    for (const line of measuredLines(result)) lines.push(`      ${line}`);
    if (result.reason && !skipped) lines.push(`      ${result.reason}`);
    if (result.status === 'failed' || result.status === 'not-evaluated') lines.push(`      that: ${result.that.trim()}`);
  }
  return lines.join('\n');
}

/** Exit code of a run or check whose expectations do not all hold (1 stays "a step failed"). */
export const REGRESSION_EXIT_CODE = 3;

/**
 * Whether the expectations make the run a regression: one failed, or one that could not be evaluated (a
 * claim never checked does not pass). One skipped because --only left out its steps is not.
 */
export function isRegression(results: readonly Pick<ExpectationResult, 'status'>[]): boolean {
  return results.some((result) => result.status === 'failed' || result.status === 'not-evaluated');
}
