import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import type { Reference, ValueType } from '../expressions/index.js';
import { formatType, typecheckExpression, typeOfValue } from '../expressions/index.js';
import type { SourceDocument } from '../source/index.js';
import type { ScannedExpression } from './scan-expressions.js';
import { spanInString } from './scan-expressions.js';
import { outputValueType } from './step-catalog.js';
import type { StepKindInfo } from './step-catalog.js';
import type { StepSpec } from '../spec/workflow-spec.js';

export interface TypeContext {
  readonly doc: SourceDocument;
  readonly params: Readonly<Record<string, unknown>>;
  /** Coordinate types of this step's instances (own and inherited matrix keys). */
  readonly coordinateTypes: ReadonlyMap<string, ValueType>;
  readonly steps: ReadonlyMap<string, StepSpec>;
  readonly kinds: ReadonlyMap<string, StepKindInfo>;
  readonly coordinateTypesOf: (stepId: string) => ReadonlyMap<string, ValueType>;
}

const ROOTS: Record<ScannedExpression['field'], readonly string[]> = {
  with: ['params', 'matrix', 'env', 'steps', 'seed', 'workflow'],
  if: ['params', 'matrix', 'env', 'steps', 'seed', 'workflow'],
  env: ['params', 'matrix', 'env', 'steps', 'seed', 'workflow'],
  matrix: ['params', 'env', 'seed', 'workflow'],
  // Known before anything runs, so the scheduler and `veriflow plan` can size every instance.
  resources: ['params', 'matrix', 'seed', 'workflow'],
  // Only what a recorded run keeps, so `veriflow check` can re-evaluate an expectation from its results.
  expect: ['params', 'steps', 'seed', 'tolerance'],
};

const ANY: ValueType = { kind: 'any' };
const WORKFLOW_TYPE: ValueType = { kind: 'object', fields: { dir: { kind: 'string' }, name: { kind: 'string' } } };

/** The type at a path inside a type; `any` once the path leaves what is known. */
function typeAt(type: ValueType, path: readonly (string | number)[]): ValueType | undefined {
  let current = type;
  for (const segment of path) {
    if (current.kind === 'any') return ANY;
    if (current.kind === 'array' && typeof segment === 'number') current = current.element;
    else if (current.kind === 'object') {
      if (!current.fields) return ANY;
      const next = current.fields[String(segment)];
      if (!next) return undefined;
      current = next;
    } else return undefined;
  }
  return current;
}

function objectOf(fields: Record<string, ValueType>): ValueType {
  return { kind: 'object', fields };
}

/** The type of an upstream step's outputs object. */
function outputsType(step: StepSpec, kind: StepKindInfo | undefined): ValueType {
  if (!kind) return ANY;
  return objectOf(Object.fromEntries(Object.entries(kind.outputs(step.with)).map(([name, spec]) => [name, outputValueType(spec.kind)])));
}

/** Resolves one reference to a type, or says what is wrong with it. */
function resolveReference(ref: Reference, field: ScannedExpression['field'], context: TypeContext): { type: ValueType } | { code: Diagnostic['code']; message: string; hint?: string } {
  const [root, ...rest] = ref.path;
  const roots = ROOTS[field];
  if (typeof root !== 'string' || !roots.includes(root)) {
    return { code: 'UNKNOWN_REFERENCE', message: `"${String(root)}" is not available in ${field}`, hint: `${expectedOneOf(String(root), roots)}` };
  }
  switch (root) {
    case 'params': {
      const type = typeAt(typeOfValue(context.params), rest);
      if (type) return { type };
      const known = rest.length <= 1 ? Object.keys(context.params) : [];
      return { code: 'UNKNOWN_PARAM', message: `there is no param "${rest.join('.')}"`, hint: known.length ? `${expectedOneOf(String(rest[0]), known)}` : 'Declare it under params.' };
    }
    case 'matrix': {
      const key = String(rest[0]);
      const type = context.coordinateTypes.get(key);
      if (!type) {
        const keys = [...context.coordinateTypes.keys()];
        return { code: 'UNKNOWN_MATRIX_KEY', message: `this step has no matrix key "${key}"`, hint: keys.length ? `${expectedOneOf(key, keys)}` : 'The step has no matrix, and none is inherited from the steps it reads.' };
      }
      return { type: typeAt(type, rest.slice(1)) ?? ANY };
    }
    case 'env':
      return { type: rest.length === 0 ? { kind: 'object' } : { kind: 'string' } };
    case 'seed':
    case 'tolerance':
      return { type: { kind: 'number' } };
    case 'workflow': {
      const type = typeAt(WORKFLOW_TYPE, rest);
      return type ? { type } : { code: 'UNKNOWN_REFERENCE', message: `workflow has no "${rest.join('.')}"`, hint: 'Use workflow.dir (the folder of the workflow file) or workflow.name.' };
    }
    default: {
      // steps.X...: existence was checked with the dependencies; here only the type matters.
      const stepId = String(rest[0]);
      const step = context.steps.get(stepId);
      if (!step) return { type: ANY };
      const outputs = outputsType(step, context.kinds.get(step.uses));
      if (rest[1] === 'instances') {
        const matrixType = objectOf(Object.fromEntries(context.coordinateTypesOf(stepId)));
        const element = objectOf({ name: { kind: 'string' }, matrix: matrixType, outputs });
        return { type: typeAt({ kind: 'array', element }, rest.slice(2)) ?? ANY };
      }
      return { type: typeAt(outputs, rest.slice(2)) ?? ANY };
    }
  }
}

/** Reference and type errors in a step's expressions, each at its exact column. */
export function typecheckStepExpressions(step: StepSpec, expressions: readonly ScannedExpression[], context: TypeContext): Diagnostic[] {
  return typecheckScanned(expressions, context, (scanned) => {
    if (scanned.field === 'if') return { label: '"if"', hint: 'Compare it, e.g. params.n > 0.' };
    if (scanned.field === 'resources') return { label: `resources.${String(scanned.path[3])}`, hint: "Give a number, e.g. ${{ params.device == 'gpu' ? 1 : 0 }}.", kind: 'number' };
    return undefined;
  });
}

/** Where a boolean (or, with `kind`, a number) is required: how to name the place, and how to make one. */
export interface BooleanRequirement {
  readonly label: string;
  readonly hint: string;
  readonly kind?: 'boolean' | 'number';
}

/** Reference and type errors in scanned expressions, each at its exact column; `needsBoolean` says which must be true/false. */
export function typecheckScanned(
  expressions: readonly ScannedExpression[],
  context: TypeContext,
  needsBoolean: (scanned: ScannedExpression) => BooleanRequirement | undefined,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const scanned of expressions) {
    const { errors, type } = typecheckExpression(scanned.expr, (ref) => {
      const resolved = resolveReference(ref, scanned.field, context);
      if ('type' in resolved) return resolved.type;
      if (ref.path[0] !== 'steps') {
        diagnostics.push({
          code: resolved.code,
          span: spanInString(context.doc, scanned.path, ref.start, ref.end - ref.start),
          message: resolved.message,
          ...(resolved.hint ? { hint: resolved.hint } : {}),
        });
      }
      return ANY;
    });
    for (const error of errors) {
      diagnostics.push({ code: 'EXPR_TYPE', span: spanInString(context.doc, scanned.path, error.offset, error.length), message: error.message });
    }
    const requirement = needsBoolean(scanned);
    const expected = requirement?.kind ?? 'boolean';
    if (requirement && type.kind !== expected && type.kind !== 'any') {
      diagnostics.push({
        code: 'EXPR_TYPE',
        span: context.doc.locate(scanned.path),
        message: `${requirement.label} needs a ${expected}, but this expression is a ${formatType(type)}`,
        hint: requirement.hint,
      });
    }
  }
  return diagnostics;
}
