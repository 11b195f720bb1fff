import type { Diagnostic, SourceSpan } from '../diagnostics/diagnostic.js';
import type { Expr, Reference } from '../expressions/index.js';
import { collectReferences, ExpressionLimitError, ExpressionSyntaxError, findExpressions, parseExpression, UnterminatedExpressionError } from '../expressions/index.js';
import type { SourceDocument } from '../source/index.js';
import type { StepSpec } from '../spec/workflow-spec.js';

export type ExpressionField = 'with' | 'if' | 'matrix' | 'env' | 'resources' | 'expect';

/** One expression found in a step, parsed, with what it refers to and where it is. */
export interface ScannedExpression {
  readonly field: ExpressionField;
  /** JSON path of the string that holds it, from the document root. */
  readonly path: readonly (string | number)[];
  readonly expr: Expr;
  readonly references: readonly Reference[];
  /** Offset of the expression text inside the string (offsets in `expr` are relative to the string too). */
  readonly offset: number;
}

/** Resource fields as StepSpec names them → as the workflow file writes them. */
export const RESOURCE_KEYS = { cpus: 'cpus', gpu: 'gpu', memoryMb: 'memory_mb' } as const;

/** Maps offsets inside one YAML string to source spans. */
export function spanInString(doc: SourceDocument, path: readonly (string | number)[], offset: number, length: number): SourceSpan {
  return { file: doc.file, start: doc.locateInString(path, offset), end: doc.locateInString(path, offset + Math.max(1, length)) };
}

const parsed = new Map<string, Expr>();

/** Parses once per distinct text: sweeps repeat the same expressions thousands of times. */
export function parseCached(inner: string, baseOffset: number): Expr {
  const key = `${baseOffset}\u0000${inner}`;
  let expr = parsed.get(key);
  if (!expr) {
    expr = parseExpression(inner, baseOffset);
    parsed.set(key, expr);
  }
  return expr;
}

/**
 * Parses every `${{ }}` in one YAML string (or the whole string, when `bare` and it has none) into
 * `expressions`, or pushes the syntax error that stops it at its exact column.
 */
export function scanExpressionString(
  at: { readonly field: ExpressionField; readonly path: (string | number)[]; readonly text: string; readonly bare: boolean },
  doc: SourceDocument,
  expressions: ScannedExpression[],
  diagnostics: Diagnostic[],
): void {
  const { field, path, text, bare } = at;
  try {
    if (bare && !text.includes('${{')) {
      const expr = parseCached(text, 0);
      expressions.push({ field, path, expr, references: collectReferences(expr), offset: 0 });
      return;
    }
    for (const span of findExpressions(text)) {
      const expr = parseCached(span.inner, span.innerStart);
      expressions.push({ field, path, expr, references: collectReferences(expr), offset: span.start });
    }
  } catch (error) {
    if (error instanceof ExpressionSyntaxError || error instanceof UnterminatedExpressionError) {
      const length = error instanceof ExpressionSyntaxError ? error.length : 3;
      const code = error instanceof ExpressionLimitError ? 'LIMIT' : 'EXPR_SYNTAX';
      diagnostics.push({ code, span: spanInString(doc, path, error.offset, length), message: error.message });
    } else {
      throw error;
    }
  }
}

/** Every expression in a step's `with`, `if`, matrix axes and `env`, or the syntax errors that stop them parsing. */
export function scanStepExpressions(step: StepSpec, doc: SourceDocument): { expressions: ScannedExpression[]; diagnostics: Diagnostic[] } {
  const expressions: ScannedExpression[] = [];
  const diagnostics: Diagnostic[] = [];
  const base = ['steps', step.id];

  const scanString = (field: ExpressionField, path: (string | number)[], text: string, bare: boolean): void => scanExpressionString({ field, path, text, bare }, doc, expressions, diagnostics);

  const walk = (field: ExpressionField, path: (string | number)[], value: unknown): void => {
    if (typeof value === 'string') scanString(field, path, value, false);
    else if (Array.isArray(value)) value.forEach((item, index) => walk(field, [...path, index], item));
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(field, [...path, key], item);
    }
  };

  walk('with', [...base, 'with'], step.with);
  if (typeof step.if === 'string') scanString('if', [...base, 'if'], step.if, true);
  if (step.matrix) {
    for (const [axis, values] of Object.entries(step.matrix.axes)) {
      if (typeof values === 'string') scanString('matrix', [...base, 'matrix', axis], values, false);
    }
  }
  walk('env', [...base, 'env'], step.env);
  for (const [field, written] of Object.entries(RESOURCE_KEYS)) {
    const value = step.resources[field as keyof typeof RESOURCE_KEYS];
    if (typeof value === 'string') scanString('resources', [...base, 'resources', written], value, false);
  }
  return { expressions, diagnostics };
}
