/** A position in a source file; line and col are 1-based, offset is 0-based (UTF-16 units). */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
  readonly offset: number;
}

export interface SourceSpan {
  readonly file: string;
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/**
 * Every user-facing problem with a workflow: a stable code, where it is,
 * what is wrong and (when we know) what to do about it.
 */
/** A span over the first `length` characters of a command-line argument (`--set x=1`, `--preset gpu`), which a diagnostic names as its "file". */
export function commandLineSpan(argument: string, length = argument.length): SourceSpan {
  return { file: argument, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: length + 1, offset: length } };
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly span: SourceSpan;
  readonly message: string;
  readonly hint?: string;
  /** A warning is reported but stops nothing (unless `--strict` makes it an error); absent means an error. */
  readonly severity?: 'warning';
}

export type DiagnosticCode =
  | 'YAML_SYNTAX'
  | 'SCHEMA'
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'INVALID_VALUE'
  | 'UNKNOWN_STEP_KIND'
  | 'WITH_SCHEMA'
  | 'EXPR_SYNTAX'
  | 'EXPR_TYPE'
  | 'UNKNOWN_REFERENCE'
  | 'UNKNOWN_STEP'
  | 'UNKNOWN_OUTPUT'
  | 'UNKNOWN_PARAM'
  | 'UNKNOWN_MATRIX_KEY'
  | 'CYCLE'
  | 'EMPTY_MATRIX'
  | 'MATRIX_CONFLICT'
  | 'UNUSED_REPLICATES'
  | 'BAD_OVERRIDE'
  | 'UNKNOWN_PRESET'
  | 'PLUGIN'
  | 'RESOURCES'
  /** Input beyond a size or nesting limit (see limits/nesting-limits.ts). */
  | 'LIMIT';

/** Thrown when a workflow cannot reach the next stage; carries every problem found, sorted by position. */
export class WorkflowError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const sorted = sortDiagnostics(diagnostics);
    super(sorted.map(formatDiagnostic).join('\n'));
    this.name = 'WorkflowError';
    this.diagnostics = sorted;
  }
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.span.file.localeCompare(b.span.file) || a.span.start.offset - b.span.start.offset || a.code.localeCompare(b.code),
  );
}

/** One-line form, `file:line:col: message [CODE]`, followed by the hint when there is one. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.span.file}:${d.span.start.line}:${d.span.start.col}`;
  const hint = d.hint ? ` ${sentence(d.hint.charAt(0).toUpperCase() + d.hint.slice(1))}` : '';
  return `${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${sentence(d.message)}${hint} [${d.code}]`;
}

/** Ends text with a full stop unless it already ends a sentence or a parenthesis closes it. */
function sentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.?!]\)?$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Pretty form: the one-line form, the offending source line and a caret under the span. */
export function formatDiagnosticPretty(d: Diagnostic, sourceText: string | undefined): string {
  const head = formatDiagnostic(d);
  if (sourceText === undefined) return head;
  const lines = sourceText.split(/\r?\n/);
  const lineText = lines[d.span.start.line - 1];
  if (lineText === undefined) return head;
  const width = d.span.end.line === d.span.start.line ? Math.max(1, d.span.end.col - d.span.start.col) : Math.max(1, lineText.length - d.span.start.col + 1);
  const shown = clipLine(lineText, d.span.start.col - 1, width);
  const gutter = String(d.span.start.line).padStart(4);
  return `${head}\n${gutter} | ${shown.text}\n${' '.repeat(gutter.length)} | ${' '.repeat(shown.caret)}${'^'.repeat(shown.width)}`;
}

const SHOWN_LINE_LENGTH = 120;

/** A window of a long line around the span (a line of thousands of brackets would fill the terminal), marked with "…" where cut. */
function clipLine(line: string, start: number, width: number): { text: string; caret: number; width: number } {
  if (line.length <= SHOWN_LINE_LENGTH) return { text: line, caret: start, width };
  const from = Math.max(0, Math.min(start - SHOWN_LINE_LENGTH / 4, line.length - SHOWN_LINE_LENGTH));
  const to = from + SHOWN_LINE_LENGTH;
  const before = from > 0 ? '…' : '';
  const after = to < line.length ? '…' : '';
  return { text: `${before}${line.slice(from, to)}${after}`, caret: start - from + before.length, width: Math.max(1, Math.min(width, to - start)) };
}
