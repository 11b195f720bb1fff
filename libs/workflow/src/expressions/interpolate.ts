import { findExpressions } from './find-expressions.js';
import type { ExpressionSpan } from './find-expressions.js';
import { STRING } from './types.js';
import type { ValueType } from './types.js';
import { displayString } from './values.js';

/** The span when `template` is exactly one `${{ }}` apart from surrounding whitespace, so its value keeps its type. */
export function wholeExpression(template: string, spans: readonly ExpressionSpan[] = findExpressions(template)): ExpressionSpan | undefined {
  const [only] = spans;
  if (spans.length !== 1 || !only) return undefined;
  return template.slice(0, only.start).trim() === '' && template.slice(only.end).trim() === '' ? only : undefined;
}

/**
 * Substitutes every `${{ }}` in `template`. A template that is one whole expression
 * yields the value itself (a number stays a number); otherwise each value is
 * rendered into the text (null as nothing, arrays/objects as JSON) and a string
 * is returned. Text without expressions is returned unchanged.
 */
export function interpolate(template: string, evaluateSpan: (span: ExpressionSpan) => unknown): unknown {
  const spans = findExpressions(template);
  const whole = wholeExpression(template, spans);
  if (whole) return evaluateSpan(whole);
  let result = '';
  let from = 0;
  for (const span of spans) {
    result += template.slice(from, span.start) + displayString(evaluateSpan(span));
    from = span.end;
  }
  return result + template.slice(from);
}

/** Static counterpart of `interpolate`: the whole expression's type, else string. Every span is visited so its errors get reported. */
export function interpolationType(template: string, typeOfSpan: (span: ExpressionSpan) => ValueType): ValueType {
  const spans = findExpressions(template);
  const whole = wholeExpression(template, spans);
  if (whole) return typeOfSpan(whole);
  spans.forEach(typeOfSpan);
  return STRING;
}
