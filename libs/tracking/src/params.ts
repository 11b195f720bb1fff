/**
 * A resolved `with` as tracking params: nested maps become dotted keys (`generator.p`), everything else
 * its JSON text (strings as they are), so runs can be filtered and compared on any input.
 */
export function flattenParams(value: unknown, prefix = ''): Record<string, string> {
  const params: Record<string, string> = {};
  const visit = (node: unknown, path: string): void => {
    if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
      for (const [key, child] of Object.entries(node)) visit(child, path ? `${path}.${key}` : key);
      return;
    }
    if (!path) return;
    params[path] = typeof node === 'string' ? node : (JSON.stringify(node) ?? 'null');
  };
  visit(value, prefix);
  return params;
}
