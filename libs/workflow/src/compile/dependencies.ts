import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import type { DecideCondition, Reference } from '../expressions/index.js';
import { splitByBranch } from '../expressions/index.js';
import type { SourceDocument } from '../source/index.js';
import type { StepSpec } from '../spec/workflow-spec.js';
import { spanInString } from './scan-expressions.js';
import type { ScannedExpression } from './scan-expressions.js';
import type { StepKindInfo } from './step-catalog.js';
import type { DependencyMode } from './workflow-graph.js';

export interface StepReferenceContext {
  readonly doc: SourceDocument;
  readonly steps: ReadonlyMap<string, StepSpec>;
  readonly kinds: ReadonlyMap<string, StepKindInfo>;
}

export type CheckedStepReference =
  | { readonly target: string; readonly section: 'outputs' | 'instances' }
  | { readonly code: Diagnostic['code']; readonly message: string; readonly hint?: string };

/**
 * What a `steps.X...` reference reads, or what is wrong with it: an unknown step or output, a section
 * other than outputs/instances, or (with `from`) the step reading itself. Shared by steps and `expect:`.
 */
export function checkStepReference(ref: Reference, context: StepReferenceContext, from?: string): CheckedStepReference {
  const stepIds = [...context.steps.keys()];
  const target = ref.path[1];
  if (typeof target !== 'string' || !context.steps.has(target)) {
    return { code: 'UNKNOWN_STEP', message: `there is no step "${String(target)}"`, hint: `${expectedOneOf(String(target), stepIds)}` };
  }
  if (target === from) return { code: 'UNKNOWN_REFERENCE', message: `step "${from}" refers to its own outputs`, hint: 'A step can only read the outputs of steps before it.' };
  const section = ref.path[2];
  if (section === 'instances') return { target, section };
  if (section !== 'outputs') {
    return { code: 'UNKNOWN_REFERENCE', message: `"${ref.path.join('.')}" is not a step reference`, hint: `Write steps.${target}.outputs.NAME, or steps.${target}.instances to collect every instance.` };
  }
  const output = ref.path[3];
  const upstream = context.steps.get(target)!;
  const kind = context.kinds.get(upstream.uses);
  if (output !== undefined && kind) {
    const declared = Object.keys(kind.outputs(upstream.with));
    if (typeof output !== 'string' || !declared.includes(output)) {
      return { code: 'UNKNOWN_OUTPUT', message: `step "${target}" (${upstream.uses}) has no output "${String(output)}"`, hint: `${expectedOneOf(String(output), declared)}` };
    }
  }
  return { target, section };
}

/** A step this one refers to only in branches that are not taken, so it does not depend on it. */
export interface UntakenReference {
  readonly upstream: string;
  /** The condition that rules the reference out, as written, and the value it has. */
  readonly condition: string;
  readonly value: boolean;
}

/** The text of the YAML string at `path`, where a scanned expression's offsets point. */
function stringAt(doc: SourceDocument, path: readonly (string | number)[]): string {
  const value = path.reduce<unknown>((current, key) => (current as Record<string | number, unknown> | undefined)?.[key], doc.value);
  return typeof value === 'string' ? value : '';
}

/** The `steps.X` references of one expression that evaluation can reach under `decide`, and those it cannot. */
export function stepReferencesByBranch(scanned: ScannedExpression, doc: SourceDocument, decide: DecideCondition): { live: Set<number>; liveSteps: Set<string>; untaken: Map<string, UntakenReference>; contingent: boolean } {
  const split = splitByBranch(scanned.expr, decide);
  const untaken = new Map<string, UntakenReference>();
  for (const { reference, guard } of split.untaken) {
    const upstream = reference.path[0] === 'steps' ? reference.path[1] : undefined;
    if (typeof upstream !== 'string' || untaken.has(upstream)) continue;
    untaken.set(upstream, { upstream, condition: stringAt(doc, scanned.path).slice(guard.test.start, guard.test.end).trim(), value: guard.value });
  }
  const liveSteps = new Set(split.live.flatMap((ref) => (ref.path[0] === 'steps' && typeof ref.path[1] === 'string' ? [ref.path[1]] : [])));
  return { live: new Set(split.live.map((ref) => ref.start)), liveSteps, untaken, contingent: split.contingent.some((ref) => ref.path[0] === 'steps') };
}

/**
 * Dependencies of one step, from `needs` and from `steps.X...` references that evaluation can reach (a
 * reference in a branch `decide` rules out is checked but adds no edge); bad references become diagnostics.
 * `contingent`: some step reference sits under a condition only an instance's matrix values can settle.
 */
export function stepDependencies(
  step: StepSpec,
  expressions: readonly ScannedExpression[],
  context: StepReferenceContext,
  decide: DecideCondition,
): { dependencies: Map<string, DependencyMode>; diagnostics: Diagnostic[]; untaken: UntakenReference[]; contingent: boolean } {
  const dependencies = new Map<string, DependencyMode>();
  const diagnostics: Diagnostic[] = [];
  const stepIds = [...context.steps.keys()];
  const untaken = new Map<string, UntakenReference>();
  let contingent = false;

  for (const scanned of expressions) {
    const branches = stepReferencesByBranch(scanned, context.doc, decide);
    contingent ||= branches.contingent;
    for (const [upstream, reference] of branches.untaken) if (!untaken.has(upstream)) untaken.set(upstream, reference);
    for (const ref of scanned.references) {
      if (ref.path[0] !== 'steps') continue;
      const span = spanInString(context.doc, scanned.path, ref.start, ref.end - ref.start);
      const problem = (code: Diagnostic['code'], message: string, hint?: string): void => {
        diagnostics.push({ code, span, message, ...(hint ? { hint } : {}) });
      };
      if (scanned.field === 'matrix') {
        problem('UNKNOWN_REFERENCE', 'matrix values cannot depend on step outputs', 'Use params, or move the sweep into a step that reads the outputs.');
        continue;
      }
      if (scanned.field === 'resources') {
        problem('UNKNOWN_REFERENCE', 'resources cannot depend on step outputs: every instance is sized before anything runs', 'Use params or matrix values, e.g. ${{ params.device == \'gpu\' ? 1 : 0 }}.');
        continue;
      }
      const checked = checkStepReference(ref, context, step.id);
      if ('message' in checked) {
        problem(checked.code, checked.message, checked.hint);
        continue;
      }
      if (!branches.live.has(ref.start)) continue;
      if (checked.section === 'instances') {
        if (!dependencies.has(checked.target)) dependencies.set(checked.target, 'all');
        continue;
      }
      const target = checked.target;
      dependencies.set(target, 'each');
    }
  }

  const rawStep = (context.doc.value as { steps: Record<string, { needs?: unknown }> }).steps[step.id];
  const needsIsList = Array.isArray(rawStep?.needs);
  step.needs.forEach((needed, index) => {
    if (!context.steps.has(needed)) {
      diagnostics.push({
        code: 'UNKNOWN_STEP',
        span: context.doc.locate(needsIsList ? ['steps', step.id, 'needs', index] : ['steps', step.id, 'needs']),
        message: `needs "${needed}", but there is no such step`,
        hint: `${expectedOneOf(needed, stepIds)}`,
      });
    } else if (needed === step.id) {
      diagnostics.push({ code: 'CYCLE', span: context.doc.locate(['steps', step.id, 'needs']), message: `step "${step.id}" needs itself` });
    } else if (!dependencies.has(needed)) {
      dependencies.set(needed, 'all');
    }
  });
  return { dependencies, diagnostics, untaken: [...untaken.values()].filter((reference) => !dependencies.has(reference.upstream)), contingent };
}
