import { findExpressions, wholeExpression } from '../expressions/index.js';
import type { Expr } from '../expressions/index.js';
import { parseCached } from '../compile/scan-expressions.js';

/** A parsed expectation expression; offsets in `expr` are positions in the YAML string as written. */
export interface ExpectationExpression {
  readonly expr: Expr;
  /** Offset of the expression (`${{` included) in the string, for positions. */
  readonly offset: number;
}

/**
 * `that:` and `values:` hold one expression, bare (`a > b`) or as `${{ a > b }}`: a claim spliced into
 * text would be a string, never true or false. Throws ExpressionSyntaxError or UnterminatedExpressionError.
 */
export function parseExpectationExpression(text: string): ExpectationExpression | { error: string } {
  if (!text.includes('${{')) return { expr: parseCached(text, 0), offset: 0 };
  const whole = wholeExpression(text, findExpressions(text));
  if (!whole) return { error: 'must be one expression, either bare or a single ${{ }} with nothing around it' };
  return { expr: parseCached(whole.inner, whole.innerStart), offset: whole.start };
}
