/**
 * Bounds on how deeply input may nest. Every pass over a workflow (the yaml composer, schema checks,
 * expression type checks and evaluation, cache-key hashing) recurses once per level, so unbounded nesting
 * ends in a stack overflow instead of a diagnostic. The limits are far beyond hand-written workflows
 * (a few levels of maps in `with`, expressions of a few operators) and far below where Node's default
 * stack gives out (the yaml composer alone fails near 900 levels).
 */
export const MAX_YAML_DEPTH = 64;
/** Levels of sub-expressions: parentheses, brackets, calls, operators (a chain `a + b + c` counts one level per operator). */
export const MAX_EXPRESSION_DEPTH = 64;
/** Tokens between `${{` and `}}`: numbers, strings, names and operators. */
export const MAX_EXPRESSION_TOKENS = 1000;

/** Whether `value` has more than `limit` levels of arrays and objects; walked without recursion, so any depth is safe to ask about. */
export function valueDepthExceeds(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(item.value)) pending.push({ value: child, depth });
  }
  return false;
}
