const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** "90s" → 90000; a bare number is seconds. The schema has already checked the form. */
export function durationToMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/.exec(value);
  if (!match) throw new Error(`"${value}" is not a duration; write e.g. 30s, 5m or 1h`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
