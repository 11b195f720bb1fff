import { expectedOneOf } from '../diagnostics/suggest.js';
import { isForbiddenKey } from './references.js';

/**
 * How a value appears inside a larger string (interpolation, `format`, `join`, `str`):
 * strings as-is, null as nothing, arrays and objects as JSON.
 */
export function displayString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Short runtime type name for error messages. */
export function runtimeTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Structural equality without coercion: `1 == '1'` is false, `[1] == [1]` is true. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return (
    aKeys.length === Object.keys(b).length &&
    aKeys.every((key) => Object.hasOwn(bRecord, key) && valuesEqual((a as Record<string, unknown>)[key], bRecord[key]))
  );
}

/**
 * `value[key]` restricted to own data: array elements by integer index and own
 * object fields, never anything inherited. Returns the failure message instead of throwing
 * so callers can attach positions.
 */
export function readField(value: unknown, key: unknown): { value: unknown } | { error: string } {
  if (typeof key === 'string' && isForbiddenKey(key)) return { error: `access to "${key}" is not allowed` };
  const shown = typeof key === 'string' ? `"${key}"` : displayString(key);
  if (Array.isArray(value)) {
    if (typeof key !== 'number') {
      const hint = key === 'length' ? '; use len(x) for the length' : '';
      return { error: `cannot read field ${shown} of an array; index it with a number${hint}` };
    }
    if (!Number.isInteger(key) || key < 0 || key >= value.length) {
      return { error: `index ${key} is out of range for an array of length ${value.length}` };
    }
    return { value: value[key] };
  }
  if (typeof value === 'object' && value !== null) {
    if (typeof key !== 'string') return { error: `cannot index an object with ${runtimeTypeName(key)} ${shown}; use a field name` };
    if (!Object.hasOwn(value, key)) return { error: `no field ${shown}; ${expectedOneOf(key, Object.keys(value))}` };
    return { value: (value as Record<string, unknown>)[key] };
  }
  return { error: `cannot read field ${shown} of ${runtimeTypeName(value)}` };
}

/** JSON with object keys sorted, so equal values (in any key order) have equal text: a key for grouping and de-duplicating. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
