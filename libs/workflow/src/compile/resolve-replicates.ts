import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { evaluateTemplate } from '../expand/evaluate-template.js';
import type { Lookup } from '../expand/evaluate-template.js';
import { MAX_REPLICATES } from '../expand/replicates.js';
import type { SourceDocument } from '../source/index.js';
import type { WorkflowSpec } from '../spec/workflow-spec.js';
import { typecheckScanned } from './reference-types.js';
import type { TypeContext } from './reference-types.js';
import { scanExpressionString, spanInString } from './scan-expressions.js';
import type { ScannedExpression } from './scan-expressions.js';

/**
 * The workflow's replicate count. An expression is checked like a matrix axis (it may read params, env and
 * workflow, never steps) and evaluated over params; problems are pushed at `replicates:`, and the count is
 * then 1 so the rest of the workflow can still be checked. A count with no replicated step is a warning.
 */
export function resolveReplicates(
  spec: WorkflowSpec,
  lookup: Lookup,
  context: TypeContext,
  report: { readonly diagnostics: Diagnostic[]; readonly warn: (warning: Diagnostic) => void },
): number {
  const { diagnostics } = report;
  const doc: SourceDocument = context.doc;
  if (Object.hasOwn(doc.value as object, 'replicates') && !spec.steps.some((step) => step.replicate)) {
    report.warn({
      code: 'UNUSED_REPLICATES',
      span: doc.locate(['replicates'], 'key'),
      message: 'replicates is set, but no step is marked replicate: true, so nothing is replicated',
      hint: 'Add replicate: true to the steps that draw randomness (their readers inherit the axis).',
    });
  }
  if (typeof spec.replicates === 'number') return spec.replicates;
  const found: Diagnostic[] = [];
  const expressions: ScannedExpression[] = [];
  scanExpressionString({ field: 'matrix', path: ['replicates'], text: spec.replicates, bare: false }, doc, expressions, found);
  found.push(...typecheckScanned(expressions, context, () => undefined));
  for (const ref of expressions.flatMap((scanned) => scanned.references.filter((reference) => reference.path[0] === 'steps'))) {
    found.push({
      code: 'UNKNOWN_REFERENCE',
      span: spanInString(doc, ['replicates'], ref.start, ref.end - ref.start),
      message: 'replicates cannot depend on step outputs: the graph is built before anything runs',
      hint: 'Read a param instead, e.g. ${{ params.replicates }}.',
    });
  }
  if (found.length > 0) {
    diagnostics.push(...found);
    return 1;
  }
  const span = doc.locate(['replicates']);
  let value: unknown;
  try {
    value = evaluateTemplate(spec.replicates, lookup);
  } catch (error) {
    diagnostics.push({ code: 'EXPR_TYPE', span, message: `replicates: ${(error as Error).message}` });
    return 1;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_REPLICATES) {
    diagnostics.push({
      code: 'INVALID_VALUE',
      span,
      message: `replicates must be a whole number from 1 to ${MAX_REPLICATES}, but its expression gives ${JSON.stringify(value)}`,
      hint: 'Make the param it reads a whole number, e.g. --set replicates=5.',
    });
    return 1;
  }
  return value;
}
