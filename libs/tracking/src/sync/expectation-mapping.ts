import type { MetricInput } from '../mlflow/index.js';
import type { TrackedExpectations } from '../model.js';

/** Longest tag value we write: the measured values of one claim, not a dump of a whole list. */
const TAG_TEXT_LIMIT = 500;

const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * A run's expectations on its MLflow parent run: a metric `expect.<name>` (1 held, 0 failed; none
 * when not evaluated or skipped, as there is no measurement) and tags `veriflow.expect.<name>` (its status), `veriflow.expect.<name>.detail` (measured values or reason) and `veriflow.expectations`.
 */
export function expectationRecord(expectations: TrackedExpectations, timestamp: number): { metrics: MetricInput[]; tags: Record<string, string> } {
  const metrics: MetricInput[] = [];
  const tags: Record<string, string> = {};
  const counts = { held: 0, failed: 0, 'not-evaluated': 0, skipped: 0 };
  for (const result of expectations.results) {
    counts[result.status]++;
    if (result.status === 'held' || result.status === 'failed') metrics.push({ key: `expect.${result.name}`, value: result.status === 'held' ? 1 : 0, step: 0, timestamp });
    tags[`veriflow.expect.${result.name}`] = result.status;
    const measured = Object.entries(result.measured).map(([label, value]) => `${label} = ${shown(value)}`);
    const detail = [...measured, ...(result.reason ? [result.reason] : [])].join('; ');
    if (detail) tags[`veriflow.expect.${result.name}.detail`] = detail.length > TAG_TEXT_LIMIT ? `${detail.slice(0, TAG_TEXT_LIMIT - 1)}…` : detail;
  }
  tags['veriflow.expectations'] = `${counts.held} held, ${counts.failed} failed, ${counts['not-evaluated']} not evaluated${counts.skipped ? `, ${counts.skipped} skipped` : ''}`;
  return { metrics, tags };
}
