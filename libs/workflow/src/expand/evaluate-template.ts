import { evaluateExpression, interpolate } from '../expressions/index.js';
import { parseCached } from '../compile/scan-expressions.js';

export type Lookup = (path: readonly (string | number)[]) => unknown;

/**
 * Evaluates every `${{ }}` in a JSON-like template. A string that is one whole expression takes the
 * expression's value and type; otherwise the results are spliced into the string.
 */
export function evaluateTemplate(template: unknown, lookup: Lookup): unknown {
  if (typeof template === 'string') {
    if (!template.includes('${{')) return template;
    return interpolate(template, (span) => evaluateExpression(parseCached(span.inner, span.innerStart), lookup));
  }
  if (Array.isArray(template)) return template.map((item) => evaluateTemplate(item, lookup));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, evaluateTemplate(value, lookup)]));
  }
  return template;
}

/** An `if:` value: a boolean, a bare expression, or a `${{ }}` string. */
export function evaluateCondition(condition: boolean | string, lookup: Lookup): boolean {
  if (typeof condition === 'boolean') return condition;
  const value = condition.includes('${{') ? evaluateTemplate(condition, lookup) : evaluateExpression(parseCached(condition, 0), lookup);
  return value === true || value === 'true';
}
