const BARE = /^[A-Za-z0-9_.+-]+$/;

/** Compact, stable text for a matrix value: `0.3`, `oracle`, `{phi:0.9,psi:0.3}`. */
export function formatCoordinate(value: unknown): string {
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatCoordinate).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    // Keys sorted: a name (and so a seed and a cache key) must not depend on YAML key order.
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${key}:${formatCoordinate(item)}`)
      .join(',')}}`;
  }
  return String(value);
}

/** `train[p=0.3,verifier=oracle]`: keys sorted, so a name never depends on YAML key order or upstream order. */
export function instanceName(stepId: string, coordinates: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(coordinates).sort();
  if (keys.length === 0) return stepId;
  return `${stepId}[${keys.map((key) => `${key}=${formatCoordinate(coordinates[key])}`).join(',')}]`;
}
