import { formatMs } from '@veriflow/runner';
import { dataTable } from './data-table.js';
import type { Column } from './data-table.js';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import { byStep } from './report-results.js';
import type { ReportInstance } from './report-results.js';

const keysOf = (records: readonly Readonly<Record<string, unknown>>[]): string[] => [...new Set(records.flatMap((record) => Object.keys(record)))].sort();

/** A DOM id from a step id (step ids may hold any character a YAML key can). */
export const tableId = (prefix: string, step: string): string => `${prefix}-${step.replace(/[^A-Za-z0-9_-]/g, (char) => `_${char.codePointAt(0)!.toString(16)}`)}`;

/** Its instances' name, status, time, matrix values, final metrics and scalar value outputs. */
function instanceColumns(instances: readonly ReportInstance[]): Column<ReportInstance>[] {
  const matrixKeys = keysOf(instances.map((instance) => instance.matrix));
  const metricKeys = keysOf(instances.map((instance) => instance.metrics));
  const scalarValues = (instance: ReportInstance): Record<string, unknown> => Object.fromEntries(Object.entries(instance.values).filter(([, value]) => typeof value !== 'object' || value === null));
  const valueKeys = keysOf(instances.map(scalarValues)).filter((key) => !metricKeys.includes(key) && !matrixKeys.includes(key));
  return [
    { label: 'instance', value: (instance) => instance.name },
    { label: 'status', value: (instance) => instance.status },
    { label: 'time', value: (instance) => (instance.status === 'succeeded' ? formatMs(instance.durationMs) : '') },
    ...matrixKeys.map((key): Column<ReportInstance> => ({ label: key, value: (instance) => instance.matrix[key] })),
    ...metricKeys.map((key): Column<ReportInstance> => ({ label: key, value: (instance) => instance.metrics[key] })),
    ...valueKeys.map((key): Column<ReportInstance> => ({ label: key, value: (instance) => scalarValues(instance)[key] })),
    ...(instances.some((instance) => instance.error) ? [{ label: 'error', value: (instance: ReportInstance) => instance.error }] : []),
  ];
}

/** One sortable, filterable table per step. */
export function renderInstanceTables(instances: readonly ReportInstance[]): SafeHtml {
  return html`${[...byStep(instances)].map(
    ([step, members]) => html`<h3 id="${tableId('step', step)}">${step} <span class="kind">${members[0]!.kind}, ${members.length} instance(s)</span></h3>
${dataTable(tableId('instances', step), step, instanceColumns(members), members)}`,
  )}`;
}
