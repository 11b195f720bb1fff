import { fieldType } from './types.js';
import type { ValueType } from './types.js';
import { readField } from './values.js';

/**
 * The field paths `map` and `filter` take instead of lambdas: `'outputs.accuracy'`, `'matrix.verifier'`,
 * `'0'` for a list element. A string keeps the expression language free of bound variables, so every
 * reference stays static (dependencies and types are found before anything runs).
 */
export function splitFieldPath(path: string): { value: (string | number)[] } | { error: string } {
  if (path.trim() === '') return { error: "a field path must not be empty; write e.g. 'outputs.accuracy'" };
  const segments = path.split('.');
  if (segments.some((segment) => segment === '')) return { error: `field path '${path}' has an empty segment; separate names with single dots` };
  return { value: segments.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)) };
}

/** The value at `path` inside `value`, or why it is not there. */
export function readFieldPath(value: unknown, path: readonly (string | number)[]): { value: unknown } | { error: string } {
  let current = value;
  for (const [depth, segment] of path.entries()) {
    const next = readField(current, segment);
    if ('error' in next) return { error: depth === 0 ? next.error : `at '${path.slice(0, depth).join('.')}': ${next.error}` };
    current = next.value;
  }
  return { value: current };
}

/** Static counterpart of `readFieldPath`. */
export function typeAtFieldPath(type: ValueType, path: readonly (string | number)[]): ValueType | { error: string } {
  let current = type;
  for (const segment of path) {
    const next = fieldType(current, segment);
    if ('error' in next) return next;
    current = next;
  }
  return current;
}
