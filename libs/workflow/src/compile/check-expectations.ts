import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { collectReferences, ExpressionSyntaxError, UnterminatedExpressionError } from '../expressions/index.js';
import type { ValueType } from '../expressions/index.js';
import { parseExpectationExpression } from '../expect/expectation-expression.js';
import type { SourceDocument } from '../source/index.js';
import type { ExpectationSpec, StepSpec } from '../spec/workflow-spec.js';
import { checkStepReference } from './dependencies.js';
import { typecheckScanned } from './reference-types.js';
import { spanInString } from './scan-expressions.js';
import type { ScannedExpression } from './scan-expressions.js';
import type { StepKindInfo } from './step-catalog.js';

export interface ExpectationContext {
  readonly doc: SourceDocument;
  readonly params: Readonly<Record<string, unknown>>;
  readonly steps: ReadonlyMap<string, StepSpec>;
  readonly kinds: ReadonlyMap<string, StepKindInfo>;
  readonly coordinateTypesOf: (stepId: string) => ReadonlyMap<string, ValueType>;
}

/** Every expression of every expectation, parsed, or the syntax errors that stop them parsing. */
function scanExpectations(expectations: readonly ExpectationSpec[], doc: SourceDocument): { expressions: ScannedExpression[]; diagnostics: Diagnostic[] } {
  const expressions: ScannedExpression[] = [];
  const diagnostics: Diagnostic[] = [];
  const scan = (path: (string | number)[], text: string): void => {
    try {
      const parsed = parseExpectationExpression(text);
      if ('error' in parsed) {
        diagnostics.push({ code: 'EXPR_SYNTAX', span: doc.locate(path), message: `${path.slice(1).join('.')} ${parsed.error}`, hint: 'Write the whole claim inside one ${{ }}, e.g. ${{ steps.eval.outputs.accuracy >= 0.9 }}.' });
        return;
      }
      expressions.push({ field: 'expect', path, expr: parsed.expr, references: collectReferences(parsed.expr), offset: parsed.offset });
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError || error instanceof UnterminatedExpressionError)) throw error;
      const length = error instanceof ExpressionSyntaxError ? error.length : 3;
      diagnostics.push({ code: 'EXPR_SYNTAX', span: spanInString(doc, path, error.offset, length), message: error.message });
    }
  };
  for (const expectation of expectations) {
    scan(['expect', expectation.name, 'that'], expectation.that);
    if (typeof expectation.if === 'string') scan(['expect', expectation.name, 'if'], expectation.if);
    for (const [name, text] of Object.entries(expectation.values)) scan(['expect', expectation.name, 'values', name], text);
  }
  return { expressions, diagnostics };
}

/** What an expectation may read that the type checker cannot tell: steps with one instance, a declared tolerance. */
function checkReferences(scanned: ScannedExpression, expectation: ExpectationSpec, context: ExpectationContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const ref of scanned.references) {
    const span = spanInString(context.doc, scanned.path, ref.start, ref.end - ref.start);
    // Other roots outside params and seed are refused by the type checker already.
    if (scanned.path[2] === 'if' && ref.path[0] === 'steps') {
      diagnostics.push({
        code: 'UNKNOWN_REFERENCE',
        span,
        message: `the "if" of expectation "${expectation.name}" reads steps, but it decides before the results whether the claim applies, so it reads only params and seed`,
        hint: 'Condition on the configuration, e.g. if: ${{ params.students >= 8000 }}; put claims about results in that:.',
      });
      continue;
    }
    if (ref.path[0] === 'tolerance' && expectation.tolerance === undefined) {
      diagnostics.push({ code: 'UNKNOWN_REFERENCE', span, message: `expectation "${expectation.name}" reads tolerance but declares none`, hint: 'Add e.g. tolerance: 0.03 beside that:.' });
    }
    if (ref.path[0] !== 'steps') continue;
    const checked = checkStepReference(ref, context);
    if ('message' in checked) {
      diagnostics.push({ code: checked.code, span, message: checked.message, ...(checked.hint ? { hint: checked.hint } : {}) });
      continue;
    }
    const keys = [...context.coordinateTypesOf(checked.target).keys()];
    if (checked.section === 'outputs' && keys.length > 0) {
      diagnostics.push({
        code: 'UNKNOWN_REFERENCE',
        span,
        message: `step "${checked.target}" has one instance per matrix combination (${keys.join(', ')}), so steps.${checked.target}.outputs names no single value`,
        hint: `Read every instance with steps.${checked.target}.instances, e.g. map(steps.${checked.target}.instances, 'outputs.${String(ref.path[3] ?? 'NAME')}').`,
      });
    }
  }
  return diagnostics;
}

/**
 * Compile stage of `expect:`: syntax, references and types of every expectation, each at its position;
 * `that` must be a boolean. Runs with the steps' matrix types known, as `steps.X.instances` needs them.
 */
export function checkExpectations(expectations: readonly ExpectationSpec[], context: ExpectationContext): Diagnostic[] {
  const { expressions, diagnostics } = scanExpectations(expectations, context.doc);
  const byName = new Map(expectations.map((expectation) => [expectation.name, expectation]));
  for (const scanned of expressions) diagnostics.push(...checkReferences(scanned, byName.get(String(scanned.path[1]))!, context));
  const typeContext = { ...context, coordinateTypes: new Map<string, ValueType>() };
  const booleans: Record<string, { label: string; hint: string }> = {
    that: { label: '"that"', hint: 'Compare it, e.g. steps.eval.outputs.accuracy >= 0.9; show measured numbers under values:.' },
    if: { label: '"if"', hint: 'Compare it, e.g. params.students >= 8000.' },
  };
  diagnostics.push(...typecheckScanned(expressions, typeContext, (scanned) => booleans[String(scanned.path[2])]));
  return diagnostics;
}
