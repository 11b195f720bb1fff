import { dataTable } from './data-table.js';
import type { Column } from './data-table.js';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import { tableId } from './instance-tables.js';
import { byStep } from './report-results.js';
import type { ReportInstance } from './report-results.js';

/** What a verification step measures (gaussian/verify, eigen/verify), in the order the paper reads them. */
const MEASURES: readonly { readonly key: string; readonly label: string }[] = [
  { key: 'phi', label: 'φ' },
  { key: 'psi', label: 'ψ' },
  { key: 'p_star', label: 'p* = φ/(φ+ψ)' },
  { key: 'p_star_predicted', label: 'p* predicted' },
  { key: 'generator_error', label: 'generator error' },
  { key: 'kept_count', label: 'kept' },
];

/** A measure from the instance's value outputs, else its final metric (a null φ stays null: no correct labels). */
const measure = (instance: ReportInstance, key: string): unknown => (Object.hasOwn(instance.values, key) ? instance.values[key] : instance.metrics[key]);

const carries = (instance: ReportInstance, key: string): boolean => Object.hasOwn(instance.values, key) || Object.hasOwn(instance.metrics, key);

/** A verification step measures φ and p*; a step that only carries p* along (for a plot) is not one. */
const verifies = (instance: ReportInstance): boolean => carries(instance, 'p_star') && carries(instance, 'phi');

/** The p* table of every verification step: its instances' φ, ψ, p* and generator error. */
export function renderPStarTables(instances: readonly ReportInstance[]): SafeHtml | undefined {
  const steps = [...byStep(instances)].filter(([, members]) => members.some(verifies));
  if (steps.length === 0) return undefined;
  return html`${steps.map(([step, members]) => {
    const measured = members.filter(verifies);
    const matrixKeys = [...new Set(measured.flatMap((member) => Object.keys(member.matrix)))].sort();
    const columns: Column<ReportInstance>[] = [
      { label: 'instance', value: (instance) => instance.name },
      ...matrixKeys.map((key): Column<ReportInstance> => ({ label: key, value: (instance) => instance.matrix[key] })),
      ...MEASURES.filter(({ key }) => measured.some((member) => carries(member, key))).map(({ key, label }): Column<ReportInstance> => ({ label, value: (instance) => measure(instance, key) })),
    ];
    return html`<h3>${step}</h3>\n${dataTable(tableId('pstar', step), `${step} p*`, columns, measured)}`;
  })}`;
}
