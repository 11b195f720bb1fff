/** A table column: its header and one already formatted cell per row. */
export interface TextColumn {
  readonly header: string;
  readonly cells: readonly string[];
}

export interface FittedColumns {
  readonly columns: readonly TextColumn[];
  /** The width each kept column gets; cells and headers longer than it are elided. */
  readonly widths: readonly number[];
  /** Headers of the columns left out because the width could not hold them, in table order. */
  readonly dropped: readonly string[];
}

const GAP = 2;
/** A header may be cut down to this many characters (or its widest cell) before a column is dropped. */
const HEADER_FLOOR = 6;
/** A header this close to fitting is left whole. */
const MINOR_CUT = 2;
/** Below this, an identifying cell would no longer identify anything. */
const CELL_FLOOR = 4;

/** `text` cut to `width` characters, ending in "…" when something was cut. */
export function elide(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? '…'.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

const natural = (column: TextColumn): number => Math.max(column.header.length, ...column.cells.map((cell) => cell.length));
const widestCell = (column: TextColumn): number => Math.max(0, ...column.cells.map((cell) => cell.length));
const total = (widths: readonly number[]): number => widths.reduce((sum, width) => sum + width, 0) + GAP * Math.max(0, widths.length - 1);

/** How many leading characters tell `header` from every other one (all of it when it begins another). */
function distinctPrefix(header: string, headers: readonly string[]): number {
  const others = headers.filter((other) => other !== header);
  for (let length = 1; length < header.length; length++) {
    if (!others.some((other) => other.startsWith(header.slice(0, length)))) return length;
  }
  return header.length;
}

/** Narrows the widest column above its floor, one character at a time, until the widths fit (or none can narrow). */
function narrow(widths: number[], floors: readonly number[], width: number): void {
  while (total(widths) > width) {
    let widest = -1;
    for (let index = 0; index < widths.length; index++) {
      if (widths[index]! > floors[index]! && (widest < 0 || widths[index]! > widths[widest]!)) widest = index;
    }
    if (widest < 0) return;
    widths[widest]!--;
  }
}

/**
 * Fits columns into `width` characters (columns two spaces apart). Headers of the other columns are
 * shortened first, then trailing columns are dropped (the first `identifying` ones never are: they say
 * which row is which), and only then are the identifying headers and cells themselves elided.
 */
export function fitColumns(columns: readonly TextColumn[], width: number, identifying: number): FittedColumns {
  const headers = columns.map((column) => column.header);
  const headerFloors = columns.map((column, index) => {
    if (index < identifying) return natural(column);
    // An elided header keeps width - 1 characters, which must still tell it from its neighbours.
    const readable = Math.max(HEADER_FLOOR, distinctPrefix(column.header, headers) + 1);
    const floor = Math.min(natural(column), Math.max(widestCell(column), Math.min(column.header.length, readable)));
    // Cutting a character or two (one of them spent on "…") makes a header harder to read for no real room.
    return natural(column) - floor <= MINOR_CUT ? natural(column) : floor;
  });
  let kept = columns.length;
  while (kept > identifying && total(headerFloors.slice(0, kept)) > width) kept--;
  const widths = columns.slice(0, kept).map(natural);
  narrow(widths, headerFloors.slice(0, kept), width);
  narrow(widths, widths.map((current) => Math.min(current, CELL_FLOOR)), width);
  return { columns: columns.slice(0, kept), widths, dropped: columns.slice(kept).map((column) => column.header) };
}
