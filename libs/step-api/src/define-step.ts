import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { StepContext } from './context.js';
import type { OutputSpecs, StepValues } from './outputs.js';
import type { Resources } from './resources.js';

/** A JSON Schema for an object-valued `with`. `as const` keeps it precise enough to infer `ctx.with`. */
export type WithSchema = JSONSchema & { readonly type: 'object' };

export interface StepDefinition<W = unknown, O extends OutputSpecs = OutputSpecs> {
  /** `library/kind`, e.g. `gaussian/train`. */
  readonly name: string;
  /** Bump when the step's results change for the same inputs: it invalidates every cached instance of the kind. */
  readonly version: string;
  readonly description: string;
  readonly with: WithSchema;
  /** Declared outputs; a function when they depend on `with` (as for `command`). */
  readonly outputs: O | ((withValue: W) => OutputSpecs);
  /**
   * Facts of this machine that change the step's numbers for the same inputs (e.g. the tensor engine it
   * will run on), computed when the plan is made. They are part of the cache key, so results from another
   * environment are never reused, and `plan` names what changed.
   */
  readonly environment?: StepEnvironment;
  readonly resources?: Resources;
  /**
   * `worker` runs each instance in a thread of its own: CPU-heavy steps then run in parallel and a
   * timeout or Ctrl-C stops them at once. `inline` (the default) suits steps that mostly wait.
   */
  readonly execution?: Execution;
  run(ctx: StepContext<W>): Promise<StepValues<O>>;
}

export type Execution = 'inline' | 'worker';

/**
 * A step kind's environment facts for its resolved `with` (defaults applied). Typed loosely: inferring `with`
 * from the schema here too overflows TypeScript's instantiation depth.
 */
export type StepEnvironment = (withValue: Readonly<Record<string, unknown>>) => Readonly<Record<string, string>>;

/** A step definition after its types have been erased, as the registry and runner hold it. */
export type AnyStepDefinition = StepDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface StepHeader<S extends WithSchema, O extends OutputSpecs> {
  name: string;
  version: string;
  description: string;
  with: S;
  outputs: O;
  environment?: StepEnvironment;
  resources?: Resources;
  execution?: Execution;
}

/**
 * The one way to define a step kind, in two parts so TypeScript infers `ctx.with` from the schema
 * (`as const` is implied) and checks the returned values against the declared outputs:
 *
 *     export const sum = defineStep({ name: 'core/sum', version: '1', description, with: {...}, outputs: {...} })
 *       .run(async (ctx) => ({ total: ctx.with.values.reduce((a, b) => a + b, 0) }));
 *
 * (A single object literal with `run` inside makes TypeScript infer the schema and the callback together,
 * which overflows its instantiation depth for nested schemas.)
 */
export function defineStep<const S extends WithSchema, const O extends OutputSpecs>(
  header: StepHeader<S, O>,
): { run(run: (ctx: StepContext<FromSchema<S>>) => Promise<StepValues<O>>): StepDefinition<FromSchema<S>, O> } {
  if (!/^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)?$/.test(header.name)) {
    throw new Error(`Step kind name "${header.name}" must look like "library/kind" (lowercase letters, digits and dashes)`);
  }
  return { run: (run) => ({ ...header, run }) };
}

/** Declared outputs of a step for a given resolved `with`. */
export function outputsOf(definition: AnyStepDefinition, withValue: unknown): OutputSpecs {
  return typeof definition.outputs === 'function' ? definition.outputs(withValue) : definition.outputs;
}
