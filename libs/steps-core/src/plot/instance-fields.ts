import type { StepLogger } from '@veriflow/step-api';
import { labelOf } from './format.js';

/** One upstream instance as a fan-in reference (`${{ steps.evaluate.instances }}`) delivers it. */
export type PlotInstance = {
  readonly name: string;
  readonly matrix: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
};

/** The `with` property through which a step reads the instances of a sweep (`${{ steps.<id>.instances }}`). */
export function instancesSchema(description: string) {
  return {
    type: 'array',
    description,
    items: {
      type: 'object',
      properties: { name: { type: 'string' }, matrix: { type: 'object' }, outputs: { type: 'object' } },
      required: ['name', 'matrix', 'outputs'],
    },
  } as const;
}

/** The items of such a property as instances (non-object matrices or outputs read as empty). */
export function toPlotInstances(from: readonly { readonly name: unknown; readonly matrix: unknown; readonly outputs: unknown }[]): PlotInstance[] {
  return from.map((item) => ({ name: String(item.name), matrix: asRecord(item.matrix), outputs: asRecord(item.outputs) }));
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `outputs.acc` → `acc`: the field as a reader would name it, for default labels. */
export function shortName(path: string): string {
  return path.replace(/^(outputs|matrix)\./, '');
}

type Found = { readonly found: true; readonly value: unknown } | { readonly found: false };

function walk(root: unknown, segments: readonly string[]): Found {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

/** Field paths of an instance, as users may write them, up to three levels deep. */
function fieldPaths(instance: PlotInstance): string[] {
  const paths: string[] = [];
  const visit = (value: unknown, prefix: string, depth: number): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > 3) return;
    for (const [key, item] of Object.entries(value)) {
      paths.push(`${prefix}.${key}`);
      visit(item, `${prefix}.${key}`, depth + 1);
    }
  };
  visit(instance.outputs, 'outputs', 1);
  visit(instance.matrix, 'matrix', 1);
  return paths;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known field nearest to `path` (comparing with and without the `outputs.`/`matrix.` prefix), if it is close. */
function closest(path: string, known: readonly string[]): string | undefined {
  let best: { field: string; distance: number } | undefined;
  for (const field of known) {
    const distance = Math.min(editDistance(path, field), editDistance(shortName(path), shortName(field)));
    if (distance <= Math.max(1, Math.floor(shortName(path).length / 4)) && (!best || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}

/** Resolves field paths on every instance; a field no instance has is an error naming the fields that exist. */
export class FieldLookup {
  constructor(
    readonly instances: readonly PlotInstance[],
    readonly log: StepLogger,
    /** The step kind its messages speak for. */
    readonly step = 'core/plot',
  ) {}

  /** The field's value per instance (`undefined` where an instance lacks it; those are warned about). */
  values(path: string, role: string): (unknown | undefined)[] {
    const segments = path.split('.');
    const [head, ...rest] = segments;
    const results = this.instances.map((instance): Found => {
      if ((head === 'outputs' || head === 'matrix') && rest.length > 0) return walk(instance[head], rest);
      const fromOutputs = walk(instance.outputs, segments);
      if (fromOutputs.found) return fromOutputs;
      const fromMatrix = walk(instance.matrix, segments);
      if (fromMatrix.found) return fromMatrix;
      return path === 'name' ? { found: true, value: instance.name } : { found: false };
    });
    const missing = this.instances.filter((_, i) => !results[i]!.found);
    if (this.instances.length > 0 && missing.length === this.instances.length) {
      const known = [...new Set(this.instances.flatMap(fieldPaths))];
      const shown = known.slice(0, 40).join(', ') + (known.length > 40 ? `, … (${known.length - 40} more)` : '');
      const suggestion = closest(path, known);
      throw new Error(
        `${this.step}: ${role} field "${path}" was not found in the outputs or matrix of any of the ${this.instances.length} instances` +
          `${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; fields that exist: ${shown || '(none)'}`,
      );
    }
    if (missing.length > 0) {
      this.log.warn(`${this.step}: ${missing.length} of ${this.instances.length} instances have no ${role} field "${path}" (e.g. ${missing[0]!.name}); they are left out`);
    }
    return results.map((r) => (r.found ? r.value : undefined));
  }

  /** Numeric values: numbers, numeric strings; null and missing become NaN; anything else is an error. */
  numbers(path: string, role: string): number[] {
    return this.values(path, role).map((value, i) => {
      if (value === undefined || value === null) return Number.NaN;
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
      if (typeof value === 'string' && /^[+-]?(nan|inf(inity)?)$/i.test(value.trim())) return Number.NaN;
      const shown = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value) : labelOf(value);
      throw new Error(`${this.step}: ${role} field "${path}" of ${this.instances[i]!.name} is not a number: ${shown}`);
    });
  }
}
