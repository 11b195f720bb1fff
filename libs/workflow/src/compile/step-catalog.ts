import type { ValueType } from '../expressions/index.js';

export type OutputKind = 'artifact' | 'number' | 'string' | 'boolean' | 'json';

/** What the compiler needs to know about a step kind; the runner adapts its registry to this. */
export interface StepKindInfo {
  readonly name: string;
  readonly version: string;
  readonly withSchema: object;
  outputs(withValue: unknown): Readonly<Record<string, { readonly kind: OutputKind }>>;
  /** What one instance needs unless the workflow's `resources:` says otherwise, field by field. */
  readonly resources?: { readonly cpus?: number; readonly gpu?: number; readonly memoryMb?: number };
  /** The step's environment facts for its resolved `with` (part of the cache key); absent for most kinds. */
  environment?(withValue: unknown): Readonly<Record<string, string>>;
}

export interface StepCatalog {
  lookup(name: string): StepKindInfo | undefined;
  names(): readonly string[];
}

/** Artifacts reach steps as file paths, so expressions see them as strings. */
export function outputValueType(kind: OutputKind): ValueType {
  switch (kind) {
    case 'artifact':
    case 'string':
      return { kind: 'string' };
    case 'number':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'json':
      return { kind: 'any' };
  }
}
