import { createHash } from 'node:crypto';

/** Thrown when a value has no single canonical JSON form; `path` points at the offending part (e.g. `$.with.lr`). */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Cannot hash ${path}: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

/**
 * Deterministic JSON for cache keys: object keys sorted (by UTF-16 code units, as RFC 8785), no
 * whitespace, -0 written as 0. Anything JSON.stringify would silently change or drop (NaN, Infinity,
 * undefined in arrays, functions, Maps, class instances) is rejected, because a cache key that
 * quietly ignores part of its input would return wrong hits. `undefined` object properties are
 * omitted, as an absent key and an undefined one mean the same thing in a `with` block.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out, new Set());
  return out.join('');
}

function write(value: unknown, path: string, out: string[], ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(path, `${value} is not a JSON number; use null or a string instead`);
      }
      // JSON.stringify already turns -0 into "0" and uses the shortest round-trip form.
      out.push(JSON.stringify(value));
      return;
    case 'undefined':
      throw new CanonicalJsonError(path, 'undefined is not JSON; use null or leave the entry out');
    case 'bigint':
      throw new CanonicalJsonError(path, 'bigint is not JSON; convert it to a number or string');
    case 'function':
      throw new CanonicalJsonError(path, 'a function is not JSON');
    case 'symbol':
      throw new CanonicalJsonError(path, 'a symbol is not JSON');
    case 'object':
      break;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (ancestors.has(object)) throw new CanonicalJsonError(path, 'the value contains a cycle');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      out.push('[');
      for (let i = 0; i < object.length; i++) {
        if (i > 0) out.push(',');
        // Holes and undefined would both become null in JSON.stringify, hiding a bug upstream.
        if (!(i in object)) throw new CanonicalJsonError(`${path}[${i}]`, 'sparse arrays are not JSON; fill the hole');
        write(object[i] as unknown, `${path}[${i}]`, out, ancestors);
      }
      out.push(']');
      return;
    }
    const proto = Object.getPrototypeOf(object) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const toJSON = (object as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        // Dates and similar types define their own JSON form; hash that form.
        write(toJSON.call(object) as unknown, path, out, ancestors);
        return;
      }
      const typeName = (object.constructor as { name?: string } | undefined)?.name ?? 'object';
      throw new CanonicalJsonError(path, `a ${typeName} is not plain JSON; convert it to an object or array first`);
    }
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((key, index) => {
      if (index > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      write(record[key], `${path}${propertyPath(key)}`, out, ancestors);
    });
    out.push('}');
  } finally {
    ancestors.delete(object);
  }
}

function propertyPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
