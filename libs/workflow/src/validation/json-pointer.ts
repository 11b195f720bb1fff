/**
 * Decodes an ajv instance path (a JSON Pointer) into path segments. A segment
 * becomes a number only where the value at that point is an array, so a step
 * called "1" stays a key; `~1` and `~0` decode to `/` and `~`, and dots are
 * ordinary characters (step ids may contain them).
 */
export function decodePointer(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(current) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return segments;
}

/** `steps.train.needs[1]`, for messages. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}
