/** The numbers of one instance of a recorded run, by label: `metrics.<key>` (last value) and `outputs.<name>` (numeric leaves). */
export interface InstanceNumbers {
  readonly name: string;
  readonly numbers: ReadonlyMap<string, number>;
}

/** When two numbers count as the same: |now - baseline| <= abs + rel·|baseline|. */
export interface Tolerances {
  readonly rel: number;
  readonly abs: number;
}

/**
 * Defaults that ignore only floating-point noise: seeded runs on the same engine reproduce their numbers
 * exactly, so anything larger is a change worth seeing. Runs on different engines need a wider --rel-tol.
 */
export const DEFAULT_TOLERANCES: Tolerances = { rel: 1e-6, abs: 1e-9 };

export interface MovedNumber {
  readonly instance: string;
  readonly label: string;
  readonly baseline: number;
  readonly now: number;
  readonly delta: number;
  /** delta / |baseline|; undefined when the baseline is 0 or either side is not finite. */
  readonly relative: number | undefined;
}

/** A number (or a whole instance, label undefined) present on one side only. */
export interface OneSided {
  readonly instance: string;
  readonly label: string | undefined;
  readonly value: number | undefined;
}

export interface BaselineComparison {
  readonly tolerances: Tolerances;
  readonly moved: readonly MovedNumber[];
  readonly appeared: readonly OneSided[];
  readonly disappeared: readonly OneSided[];
  /** Numbers compared and found within tolerance. */
  readonly unchanged: number;
  /** Instances present in both, by name, each with whether its numbers moved. */
  readonly compared: readonly { readonly instance: string; readonly moved: boolean }[];
}

/** NaN equals NaN and an infinity equals itself: a run that reproduces a NaN has not moved. */
export function withinTolerance(now: number, baseline: number, tolerances: Tolerances): boolean {
  if (Number.isNaN(now) || Number.isNaN(baseline)) return Number.isNaN(now) && Number.isNaN(baseline);
  if (!Number.isFinite(now) || !Number.isFinite(baseline)) return now === baseline;
  return Math.abs(now - baseline) <= tolerances.abs + tolerances.rel * Math.abs(baseline);
}

function moved(instance: string, label: string, now: number, baseline: number): MovedNumber {
  const delta = now - baseline;
  const relative = baseline !== 0 && Number.isFinite(delta) ? delta / Math.abs(baseline) : undefined;
  return { instance, label, baseline, now, delta, relative };
}

/**
 * Compares every number of every instance with the baseline's instance of the same name. Names, not
 * cache keys, identify instances: a nightly run asks whether `evaluate[p=0.3]` still scores what it
 * did, and a changed parameter or code version changes the key while the question stays the same.
 */
export function compareWithBaseline(now: readonly InstanceNumbers[], baseline: readonly InstanceNumbers[], tolerances: Tolerances): BaselineComparison {
  const before = new Map(baseline.map((instance) => [instance.name, instance]));
  const current = new Set(now.map((instance) => instance.name));
  const result = { moved: [] as MovedNumber[], appeared: [] as OneSided[], disappeared: [] as OneSided[], unchanged: 0, compared: [] as { instance: string; moved: boolean }[] };
  for (const instance of now) {
    const old = before.get(instance.name);
    if (!old) {
      result.appeared.push({ instance: instance.name, label: undefined, value: undefined });
      continue;
    }
    const movedBefore = result.moved.length;
    for (const [label, value] of instance.numbers) {
      const was = old.numbers.get(label);
      if (was === undefined) result.appeared.push({ instance: instance.name, label, value });
      else if (withinTolerance(value, was, tolerances)) result.unchanged++;
      else result.moved.push(moved(instance.name, label, value, was));
    }
    for (const [label, was] of old.numbers) if (!instance.numbers.has(label)) result.disappeared.push({ instance: instance.name, label, value: was });
    result.compared.push({ instance: instance.name, moved: result.moved.length > movedBefore });
  }
  for (const instance of baseline) if (!current.has(instance.name)) result.disappeared.push({ instance: instance.name, label: undefined, value: undefined });
  return { tolerances, ...result };
}

/** Numeric leaves of a value output, labelled `outputs.<name>`, `outputs.<name>.<key>`, `outputs.<name>[i]`. */
function numericLeaves(label: string, value: unknown, into: Map<string, number>): void {
  if (typeof value === 'number') into.set(label, value);
  else if (Array.isArray(value)) value.forEach((element, index) => numericLeaves(`${label}[${index}]`, element, into));
  else if (typeof value === 'object' && value !== null) for (const [key, inner] of Object.entries(value)) numericLeaves(`${label}.${key}`, inner, into);
}

/** One instance's numbers from its last metric values and its value outputs. */
export function instanceNumbers(name: string, metrics: Readonly<Record<string, number>>, values: Readonly<Record<string, unknown>>): InstanceNumbers {
  const numbers = new Map<string, number>();
  for (const [metric, value] of Object.entries(metrics)) if (typeof value === 'number') numbers.set(`metrics.${metric}`, value);
  for (const [output, value] of Object.entries(values)) numericLeaves(`outputs.${output}`, value, numbers);
  return { name, numbers };
}
