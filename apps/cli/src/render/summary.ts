import type { InstanceOutcome } from '@veriflow/runner';
import { describeReason, formatMs, skippedByCondition } from '@veriflow/runner';
import { shownOutputs } from './step-tables.js';
import type { ShownInstance } from './step-tables.js';
import { formatCell, renderTable } from './table.js';

/** Every instance with its status and final metrics and value outputs: the table a user reads after a run. */
export function renderSummary(outcomes: readonly InstanceOutcome[]): string {
  const metricKeys = [...new Set(outcomes.flatMap((outcome) => Object.keys(outcome.metrics)))].sort();
  const valueKeys = [...new Set(outcomes.flatMap((outcome) => Object.entries(outcome.values).filter(([, value]) => typeof value !== 'object').map(([key]) => key)))]
    .filter((key) => !metricKeys.includes(key))
    .sort();
  const rows = outcomes.map((outcome) => [
    outcome.name,
    outcome.status,
    outcome.status === 'succeeded' ? formatMs(outcome.durationMs) : '',
    ...metricKeys.map((key) => formatCell(outcome.metrics[key])),
    ...valueKeys.map((key) => formatCell(outcome.values[key])),
  ]);
  return renderTable(['instance', 'status', 'time', ...metricKeys, ...valueKeys], rows);
}

/** What the compact end-of-run tables show of an outcome: final metrics, then the scalar value outputs. */
export function shownOutcome(outcome: InstanceOutcome): ShownInstance {
  return {
    name: outcome.name,
    step: outcome.step,
    kind: outcome.kind,
    status: outcome.status,
    matrix: outcome.matrix,
    facts: outcome.gpus ? { gpus: outcome.gpus.map((gpu) => gpu.index).join(',') } : {},
    outputs: shownOutputs(outcome.metrics, outcome.values),
    time: outcome.status === 'succeeded' ? formatMs(outcome.durationMs) : '',
  };
}

/** Failures with their errors, and what was skipped because of them. */
export function renderProblems(outcomes: readonly InstanceOutcome[]): string {
  const lines: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'failed') lines.push(`✗ ${outcome.name}${outcome.tolerated ? ' (continue-on-error)' : ''}: ${outcome.error ?? 'failed'}`);
  }
  const skipped = outcomes.filter((outcome) => outcome.status === 'skipped' && !skippedByCondition(outcome.reason));
  if (skipped.length > 0) {
    const names = skipped.map((outcome) => outcome.name);
    lines.push(`skipped ${skipped.length} instance(s): ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, and ${names.length - 5} more` : ''} (${describeReason(skipped[0]!.reason)})`);
  }
  return lines.join('\n');
}
