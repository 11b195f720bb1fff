import type { DecideCondition, Expr } from '../expressions/index.js';
import { collectReferences, evaluateExpression, wholeExpression } from '../expressions/index.js';
import { parseCached } from './scan-expressions.js';
import type { Lookup } from '../expand/evaluate-template.js';
import { paramsLookup } from '../expand/params-lookup.js';
import type { WorkflowSpec } from '../spec/workflow-spec.js';
import type { InstanceNode, WorkflowGraph } from './workflow-graph.js';

/**
 * Settles a condition that reads only what is fixed before anything runs (`roots` of `lookup`), or whose
 * value short-circuits before the rest is read (`params.off && steps.a.outputs.ok` is false); anything
 * else, or a condition that fails to evaluate (the run reports that error), stays undecided.
 */
function deciderOver(lookup: Lookup, roots: ReadonlySet<string>): DecideCondition {
  const decide = (test: Expr): boolean | undefined => {
    if (collectReferences(test).every((ref) => roots.has(String(ref.path[0])))) {
      try {
        const value = evaluateExpression(test, lookup);
        return typeof value === 'boolean' ? value : undefined;
      } catch {
        return undefined;
      }
    }
    if (test.kind === 'binary' && (test.op === '&&' || test.op === '||')) {
      const left = decide(test.left);
      if (left === undefined) return undefined;
      return left === (test.op === '||') ? left : decide(test.right);
    }
    if (test.kind === 'conditional') {
      const branch = decide(test.test);
      return branch === undefined ? undefined : decide(branch ? test.consequent : test.alternate);
    }
    if (test.kind === 'unary' && test.op === '!') {
      const operand = decide(test.operand);
      return operand === undefined ? undefined : !operand;
    }
    return undefined;
  };
  return decide;
}

/** What every instance of a step agrees on: params, seed and workflow facts. The seed is the real one, as evaluation at run time sees it. */
function workflowLookup(spec: WorkflowSpec, workflowDir: string): Lookup {
  const base = paramsLookup(spec.params, {}, workflowDir, spec.name);
  return (path) => (path[0] === 'seed' ? spec.seed : base(path));
}

/** Decides conditions over params, seed and workflow facts: the same for every instance of a step. */
export function stepConditions(spec: WorkflowSpec, workflowDir: string): DecideCondition {
  return deciderOver(workflowLookup(spec, workflowDir), new Set(['params', 'seed', 'workflow']));
}

/** Params, seed, workflow facts and one instance's matrix values: what is known of an instance before anything runs. */
export function planTimeLookup(spec: WorkflowSpec, workflowDir: string, coordinates: Readonly<Record<string, unknown>>): Lookup {
  const base = workflowLookup(spec, workflowDir);
  return (path) => (path[0] === 'matrix' ? path.slice(1).reduce<unknown>((current, key) => (current as Record<string | number, unknown> | undefined)?.[key], coordinates) : base(path));
}

/** Decides conditions over params, seed, workflow facts and one instance's matrix values. */
export function instanceConditions(spec: WorkflowSpec, workflowDir: string, coordinates: Readonly<Record<string, unknown>>): DecideCondition {
  return deciderOver(planTimeLookup(spec, workflowDir, coordinates), new Set(['params', 'seed', 'workflow', 'matrix']));
}

/**
 * An instance's `if:` when it is settled before anything runs (it reads only params, seed, workflow facts
 * and the instance's matrix values), so a plan can say "skipped" before the upstream instances exist;
 * undefined when it needs their outputs.
 */
export function conditionAtPlanTime(graph: WorkflowGraph, instance: InstanceNode): boolean | undefined {
  const condition = instance.step.spec.if;
  if (typeof condition === 'boolean') return condition;
  const span = condition.includes('${{') ? wholeExpression(condition) : undefined;
  const expr = span ? parseCached(span.inner, span.innerStart) : condition.includes('${{') ? undefined : parseCached(condition, 0);
  return expr ? instanceConditions(graph.spec, graph.workflowDir, instance.coordinates)(expr) : undefined;
}
