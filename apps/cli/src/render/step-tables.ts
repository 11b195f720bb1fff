import { elide, fitColumns } from './fit-columns.js';
import type { TextColumn } from './fit-columns.js';
import { formatCell } from './table.js';

/** An instance as the end-of-run tables show it, from a run just finished or from the run store. */
export interface ShownInstance {
  readonly name: string;
  readonly step: string;
  readonly kind: string;
  readonly status: string;
  readonly matrix: Readonly<Record<string, unknown>>;
  /** Text columns between the status and the outputs, e.g. `cached from`. */
  readonly facts: Readonly<Record<string, string>>;
  /** Final metrics, then scalar value outputs. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** How long it ran ('' when it did not run). */
  readonly time: string;
}

/** Final metrics, then the value outputs a cell can show (not lists or records), a metric's name once. */
export function shownOutputs(metrics: Readonly<Record<string, number>>, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const scalars = Object.entries(values).filter(([key, value]) => typeof value !== 'object' && !Object.hasOwn(metrics, key));
  return { ...metrics, ...Object.fromEntries(scalars) };
}

export interface StepTablesOptions {
  /** Characters per line; no line of a table is longer. */
  readonly width: number;
  /** The command that shows every row and column, named wherever something is left out. */
  readonly everything: string;
}

/** A step with at most this many instances is listed in full; a longer one shows its first and last rows. */
const FULL_ROWS = 12;
const HEAD_ROWS = 5;
const TAIL_ROWS = 3;
/** Past this, a cell is elided even when the terminal has room: one long text must not push out every number. */
const CELL_WIDTH = 24;
const INDENT = '  ';

type Role = 'matrix' | 'status' | 'other';
interface Column extends TextColumn {
  readonly role: Role;
}

const firstSeen = (records: readonly Readonly<Record<string, unknown>>[]): string[] => [...new Set(records.flatMap((record) => Object.keys(record)))];
/** The same in every row that has a value: a failed instance's missing outputs do not make a constant vary. */
const isConstant = (column: TextColumn): boolean => new Set(column.cells.filter((cell) => cell !== '')).size <= 1;
const isEmpty = (column: TextColumn): boolean => column.cells.every((cell) => cell === '');
/** Whether `one` holds `other`'s value in every row where it has one (a failed instance has no outputs). */
const repeats = (one: TextColumn, other: TextColumn): boolean => one.cells.every((cell, row) => cell === '' || cell === other.cells[row]);
/** Numbers and durations (12ms, 1.5s, 1m01s) are right-aligned, so their digits line up. */
const NUMBER_OR_DURATION = /^-?\d[\d.e+-]*(ms|s|m\d+s|h\d+m)?$/;
const isNumeric = (column: TextColumn): boolean => column.cells.some((cell) => cell !== '') && column.cells.every((cell) => cell === '' || NUMBER_OR_DURATION.test(cell) || cell === 'NaN');

/** "19 succeeded", "15 succeeded, 4 cached": the statuses in the order met. */
function countStatuses(instances: readonly ShownInstance[]): string {
  const counts = new Map<string, number>();
  for (const instance of instances) counts.set(instance.status, (counts.get(instance.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}

/** Matrix axes, status, facts, outputs and time of one step's instances; an output that repeats its matrix axis is left out. */
function columnsOf(instances: readonly ShownInstance[]): Column[] {
  const cell = (value: unknown): string => elide(formatCell(value), CELL_WIDTH);
  const axes = firstSeen(instances.map((instance) => instance.matrix));
  const column = (header: string, role: Role, valueOf: (instance: ShownInstance) => unknown): Column => ({ header, role, cells: instances.map((instance) => cell(valueOf(instance))) });
  const matrix = axes.map((axis) => column(axis, 'matrix', (instance) => instance.matrix[axis]));
  const outputs = firstSeen(instances.map((instance) => instance.outputs))
    .map((key) => column(key, 'other', (instance) => instance.outputs[key]))
    .filter((output) => !matrix.some((axis) => axis.header === output.header && repeats(output, axis)));
  return [
    ...matrix,
    column('status', 'status', (instance) => instance.status),
    ...firstSeen(instances.map((instance) => instance.facts)).map((key) => column(key, 'other', (instance) => instance.facts[key])),
    ...outputs,
    column('time', 'other', (instance) => instance.time),
  ].filter((candidate) => !isEmpty(candidate));
}

/** `k=v` pairs after a label, as many to a line as fit, continuation lines indented further. */
function pairLines(label: string, pairs: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const pair of pairs) {
    const longer = line === '' ? `${INDENT}${label}${pair}` : `${line}, ${pair}`;
    // The comma that ends a full line needs its column too.
    if (line !== '' && longer.length + 1 > width) {
      lines.push(`${line},`);
      line = `${INDENT}${INDENT}${pair}`;
    } else line = longer;
  }
  lines.push(line);
  return lines.map((text) => elide(text, width));
}

/** Which rows a long step shows: its first and last ones, and every failed one. */
function shownRows(instances: readonly ShownInstance[]): number[] {
  if (instances.length <= FULL_ROWS) return instances.map((_, row) => row);
  return instances.map((_, row) => row).filter((row) => row < HEAD_ROWS || row >= instances.length - TAIL_ROWS || instances[row]!.status === 'failed');
}

function renderTable(columns: readonly Column[], instances: readonly ShownInstance[], options: StepTablesOptions): string[] {
  const rows = shownRows(instances);
  const identifying = columns.filter((column) => column.role !== 'other').length;
  const visible = columns.map((column) => ({ ...column, cells: rows.map((row) => column.cells[row]!) }));
  const fitted = fitColumns(visible, options.width - INDENT.length, identifying);
  const numeric = fitted.columns.map(isNumeric);
  const cell = (text: string, index: number): string => {
    const width = fitted.widths[index]!;
    return numeric[index] ? elide(text, width).padStart(width) : elide(text, width).padEnd(width);
  };
  // Only more matrix axes than the width can hold at a few characters each get cut at the line's end.
  const line = (cells: readonly string[]): string => elide(`${INDENT}${cells.map(cell).join('  ')}`.trimEnd(), options.width);
  const lines = [line(fitted.columns.map((column) => column.header)), line(fitted.widths.map((width) => '-'.repeat(width)))];
  const gap = (count: number): string => elide(`${INDENT}… ${count} more row${count === 1 ? '' : 's'}, see \`${options.everything}\``, options.width);
  rows.forEach((row, index) => {
    const previous = index === 0 ? -1 : rows[index - 1]!;
    if (row - previous > 1) lines.push(gap(row - previous - 1));
    lines.push(line(fitted.columns.map((column) => column.cells[index]!)));
  });
  if (fitted.dropped.length > 0) lines.push(...pairLines('not shown (too wide): ', [...fitted.dropped], options.width));
  return lines;
}

interface FoldedColumns {
  /** Constant in every row: said once. */
  readonly everywhere: readonly Column[];
  /** Constant in the rows that have a value, empty in the others (failed instances have no outputs). */
  readonly whereSet: readonly Column[];
  /** "kept_count = kept": a column that repeats an earlier one. */
  readonly repeated: readonly string[];
  /** What the table shows. */
  readonly varying: readonly Column[];
}

/** Takes out of the table what every row says alike: constants, copies of other columns, a status all share. */
function foldColumns(columns: readonly Column[]): FoldedColumns {
  const folded = columns.filter((column) => column.role !== 'status' && isConstant(column));
  const distinct = columns.filter((column) => !folded.includes(column) && !(column.role === 'status' && isConstant(column)));
  const copies = distinct.map((column, index) => ({ column, earlier: column.role === 'other' ? distinct.slice(0, index).find((other) => other.role !== 'status' && repeats(column, other)) : undefined }));
  return {
    everywhere: folded.filter((column) => !column.cells.includes('')),
    whereSet: folded.filter((column) => column.cells.includes('')),
    repeated: copies.flatMap(({ column, earlier }) => (earlier ? [`${column.header} = ${earlier.header}`] : [])),
    varying: copies.filter(({ earlier }) => earlier === undefined).map(({ column }) => column),
  };
}

function renderStep(instances: readonly ShownInstance[], options: StepTablesOptions): string[] {
  const [first] = instances as [ShownInstance];
  const columns = columnsOf(instances);
  const pairs = (list: readonly Column[]): string[] => list.map((column) => `${column.header}=${column.cells.find((cell) => cell !== '')}`);
  if (instances.length === 1) {
    // A cached instance's recorded time is the run that computed it, not this lookup.
    const took = first.time === '' ? '' : first.status === 'succeeded' ? ` in ${first.time}` : ` (took ${first.time})`;
    const heading = `${first.step} (${first.kind}): ${first.status}${took}`;
    const rest = columns.filter((column) => column.role !== 'status' && column.header !== 'time');
    return [elide(heading, options.width), ...(rest.length > 0 ? pairLines('', pairs(rest), options.width) : [])];
  }
  const { everywhere, whereSet, repeated, varying } = foldColumns(columns);
  return [
    elide(`${first.step} (${first.kind}): ${instances.length} instances, ${countStatuses(instances)}`, options.width),
    ...(everywhere.length > 0 ? pairLines('same for all: ', pairs(everywhere), options.width) : []),
    ...(whereSet.length > 0 ? pairLines('same wherever set: ', pairs(whereSet), options.width) : []),
    ...(repeated.length > 0 ? pairLines('same in every row: ', repeated, options.width) : []),
    ...(varying.length > 0 ? renderTable(varying, instances, options) : []),
  ];
}

/**
 * One compact table per step, steps in the order first met: only the columns whose values differ (a
 * constant one is said once, "same for all: k=v"), a long step's first and last rows and every failed
 * one, every line fitted to the width by eliding and leaving out columns rather than wrapping. A step
 * of one instance is its heading and its outputs.
 */
export function renderStepTables(instances: readonly ShownInstance[], options: StepTablesOptions): string {
  const steps = new Map<string, ShownInstance[]>();
  for (const instance of instances) steps.set(instance.step, [...(steps.get(instance.step) ?? []), instance]);
  return [...steps.values()].map((members) => renderStep(members, options).join('\n')).join('\n\n');
}
