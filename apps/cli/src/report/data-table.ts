import { formatMeasured } from '../render/expectations.js';
import { html } from './html.js';
import type { SafeHtml } from './html.js';

export interface Column<Row> {
  readonly label: string;
  readonly value: (row: Row) => unknown;
}

/** The exact value a cell sorts by (numbers in full precision), so sorting never depends on the shown rounding. */
function sortKey(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Lists and objects longer than this are cut in the cell; the whole value is its tooltip. */
const SHOWN_STRUCTURE_CHARS = 80;

function shownText(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = formatMeasured(value);
  return typeof value !== 'object' || text.length <= SHOWN_STRUCTURE_CHARS ? text : `${text.slice(0, SHOWN_STRUCTURE_CHARS - 1)}…`;
}

function cell(value: unknown): SafeHtml {
  const shown = shownText(value);
  const full = typeof value === 'object' && value !== null ? JSON.stringify(value) : undefined;
  return typeof value === 'number'
    ? html`<td class="num" data-v="${sortKey(value)}">${shown}</td>`
    : html`<td data-v="${sortKey(value)}"${full === undefined ? '' : html` title="${full}"`}>${shown}</td>`;
}

/**
 * A table the report's script can sort (click a header) and filter (type in the box above it): each
 * cell carries its exact value in `data-v`, numeric cells are marked `num`.
 */
export function dataTable<Row>(id: string, caption: string, columns: readonly Column<Row>[], rows: readonly Row[]): SafeHtml {
  return html`<div class="table-block">
<div class="table-tools"><input type="search" class="filter" data-filter-for="${id}" placeholder="filter ${caption}" aria-label="filter ${caption}"> <span class="row-count" data-count-for="${id}">${rows.length} of ${rows.length} rows</span></div>
<table class="sortable" id="${id}">
<thead><tr>${columns.map((column) => html`<th scope="col" tabindex="0">${column.label}</th>`)}</tr></thead>
<tbody>
${rows.map((row) => html`<tr>${columns.map((column) => cell(column.value(row)))}</tr>\n`)}</tbody>
</table>
</div>`;
}
