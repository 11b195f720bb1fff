import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import type { Reference } from '../expressions/index.js';
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

/** Dependencies of one step, from `needs` and from `steps.X...` references; bad references become diagnostics. */
export function stepDependencies(
  step: StepSpec,
  expressions: readonly ScannedExpression[],
  context: StepReferenceContext,
): { dependencies: Map<string, DependencyMode>; diagnostics: Diagnostic[] } {
  const dependencies = new Map<string, DependencyMode>();
  const diagnostics: Diagnostic[] = [];
  const stepIds = [...context.steps.keys()];

  for (const scanned of expressions) {
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
      const checked = checkStepReference(ref, context, step.id);
      if ('message' in checked) {
        problem(checked.code, checked.message, checked.hint);
        continue;
      }
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
  return { dependencies, diagnostics };
}
