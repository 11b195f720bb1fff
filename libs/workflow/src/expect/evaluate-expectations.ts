import { evaluateCondition } from '../expand/evaluate-template.js';
import { collectReferences, evaluateExpression } from '../expressions/index.js';
import type { Expr } from '../expressions/index.js';
import type { ExpectationSpec } from '../spec/workflow-spec.js';
import { parseExpectationExpression } from './expectation-expression.js';

/**
 * `skipped`: the claim does not apply to this configuration (its `if:` is false) or the run left out
 * (`--only`) a step it reads, by choice; never a regression.
 */
export type ExpectationStatus = 'held' | 'failed' | 'not-evaluated' | 'skipped';

/** An expectation as written, with what happened to it: a superset of its spec, so a recorded result can be re-checked. */
export interface ExpectationResult extends ExpectationSpec {
  readonly status: ExpectationStatus;
  /** Label → value: the sides of the claim's comparisons (labelled by their text), then each of `values:`. */
  readonly measured: Readonly<Record<string, unknown>>;
  /** Why it failed to evaluate or was not evaluated, or which values could not be measured. */
  readonly reason?: string;
}

/** What an expectation reads of one instance: the run's outcome, reduced to what results.json and the run store keep. */
export interface ExpectationInstance {
  readonly name: string;
  readonly step: string;
  readonly matrix: Readonly<Record<string, unknown>>;
  readonly status: string;
  /** Value outputs. */
  readonly values: Readonly<Record<string, unknown>>;
}

export interface ExpectationInputs {
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly runStatus: 'succeeded' | 'failed' | 'cancelled';
  readonly instances: readonly ExpectationInstance[];
  /** Steps the run was asked to run (`--only` and their upstream); undefined: all of them. */
  readonly selectedSteps?: ReadonlySet<string>;
}

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);
const FINISHED = new Set(['succeeded', 'cached']);
const LISTED = 3;

/** The operands worth showing: both sides of each comparison in a top-level `&&` chain, literals left out. */
function comparedSides(expr: Expr): Expr[] {
  if (expr.kind !== 'binary') return [];
  if (expr.op === '&&') return [...comparedSides(expr.left), ...comparedSides(expr.right)];
  if (!COMPARISONS.has(expr.op)) return [];
  return [expr.left, expr.right].filter((side) => side.kind !== 'literal');
}

function walk(value: unknown, path: readonly (string | number)[], shown: string): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) throw new Error(`${shown} has no "${String(segment)}"`);
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

const listed = (names: readonly string[]): string =>
  names.slice(0, LISTED).join(', ') + (names.length > LISTED ? ` and ${names.length - LISTED} more` : '');

/**
 * Why the steps an expectation reads cannot support it, or undefined when they can: a step with no
 * finished instance, or, in a failed run, one with instances that did not finish. In a run that
 * succeeded, instances lost under continue-on-error are left out, as fan-ins leave them out.
 */
function unevaluable(stepIds: ReadonlySet<string>, inputs: ExpectationInputs): string | undefined {
  if (inputs.runStatus === 'cancelled') return 'the run was cancelled';
  for (const step of stepIds) {
    const instances = inputs.instances.filter((instance) => instance.step === step);
    const unfinished = instances.filter((instance) => !FINISHED.has(instance.status));
    const described = unfinished.map((instance) => `${instance.name} ${instance.status}`);
    if (instances.length === 0) return `step "${step}" did not run in this run`;
    if (unfinished.length === instances.length) return `step "${step}" has no finished instance: ${listed(described)}`;
    if (unfinished.length > 0 && inputs.runStatus === 'failed') return `step "${step}" did not finish: ${listed(described)}`;
  }
  return undefined;
}

function lookupFor(spec: ExpectationSpec, inputs: ExpectationInputs): (path: readonly (string | number)[]) => unknown {
  return ([root, ...rest]) => {
    switch (root) {
      case 'params':
        return walk(inputs.params, rest, 'params');
      case 'seed':
        return inputs.seed;
      case 'tolerance':
        return spec.tolerance;
      case 'steps': {
        const [step, section, ...deeper] = rest;
        const finished = inputs.instances.filter((instance) => instance.step === step && FINISHED.has(instance.status));
        if (section === 'instances') return walk(finished.map(({ name, matrix, values }) => ({ name, matrix, outputs: values })), deeper, `steps.${String(step)}.instances`);
        // A single step's outputs: its one instance (the compile stage refuses matrix steps here).
        return walk(finished[0]?.values ?? {}, deeper, `steps.${String(step)}.outputs`);
      }
      default:
        throw new Error(`"${String(root)}" cannot be read in an expectation`);
    }
  };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Whether the claim applies, from its `if:` over params and seed; a message when the condition cannot be evaluated. */
function applies(spec: ExpectationSpec, inputs: ExpectationInputs): boolean | string {
  try {
    return evaluateCondition(spec.if, lookupFor(spec, inputs));
  } catch (error) {
    // Only a hand-edited record gets here: the compile stage checked the condition's syntax and types.
    return `its "if" could not be evaluated: ${messageOf(error)}`;
  }
}

function evaluateOne(spec: ExpectationSpec, inputs: ExpectationInputs): ExpectationResult {
  const condition = applies(spec, inputs);
  if (typeof condition === 'string') return { ...spec, status: 'failed', measured: {}, reason: condition };
  if (!condition) return { ...spec, status: 'skipped', measured: {}, reason: `condition false: if ${typeof spec.if === 'string' ? spec.if.trim() : 'false'}` };
  let expressions: ReturnType<typeof parseExpectationExpression>[];
  try {
    expressions = [spec.that, ...Object.values(spec.values)].map(parseExpectationExpression);
  } catch (error) {
    // Only a hand-edited record gets here: the compile stage parsed these before the run.
    return { ...spec, status: 'failed', measured: {}, reason: `could not be parsed: ${messageOf(error)}` };
  }
  const invalid = expressions.find((parsed) => 'error' in parsed);
  if (invalid && 'error' in invalid) return { ...spec, status: 'failed', measured: {}, reason: invalid.error };
  const parsed = expressions as Exclude<(typeof expressions)[number], { error: string }>[];
  const stepIds = new Set(parsed.flatMap((each) => collectReferences(each.expr)).filter((ref) => ref.path[0] === 'steps').map((ref) => String(ref.path[1])));
  const unselected = [...stepIds].filter((step) => inputs.selectedSteps && !inputs.selectedSteps.has(step));
  if (unselected.length > 0) return { ...spec, status: 'skipped', measured: {}, reason: `reads ${unselected.map((step) => `"${step}"`).join(', ')}, which this run left out (--only)` };
  const why = unevaluable(stepIds, inputs);
  if (why) return { ...spec, status: 'not-evaluated', measured: {}, reason: why };

  const lookup = lookupFor(spec, inputs);
  const measured: Record<string, unknown> = {};
  const problems: string[] = [];
  const measure = (label: string, expr: Expr): void => {
    try {
      measured[label] = evaluateExpression(expr, lookup);
    } catch (error) {
      problems.push(`${label}: ${messageOf(error)}`);
    }
  };
  for (const side of comparedSides(parsed[0]!.expr)) measure(spec.that.slice(side.start, side.end).trim(), side);
  Object.keys(spec.values).forEach((name, i) => measure(name, parsed[i + 1]!.expr));
  let held: unknown;
  try {
    held = evaluateExpression(parsed[0]!.expr, lookup);
  } catch (error) {
    return { ...spec, status: 'failed', measured, reason: `could not be evaluated: ${messageOf(error)}` };
  }
  if (typeof held !== 'boolean') return { ...spec, status: 'failed', measured, reason: `"that" gave ${JSON.stringify(held)}, not true or false` };
  return { ...spec, status: held ? 'held' : 'failed', measured, ...(problems.length > 0 ? { reason: `not measured: ${problems.join('; ')}` } : {}) };
}

/**
 * Evaluates a workflow's expectations on a run's results: after a run, and again by `veriflow check`
 * from what results.json or the run store recorded. Never throws for a claim that cannot be evaluated:
 * that is its status.
 */
export function evaluateExpectations(specs: readonly ExpectationSpec[], inputs: ExpectationInputs): ExpectationResult[] {
  return specs.map((spec) => evaluateOne(spec, inputs));
}
