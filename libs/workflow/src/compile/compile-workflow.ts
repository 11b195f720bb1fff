import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics, WorkflowError } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import type { DecideCondition, ValueType } from '../expressions/index.js';
import { typeOfValue } from '../expressions/index.js';
import { checkInstanceWith } from '../expand/check-with.js';
import { evaluateTemplate } from '../expand/evaluate-template.js';
import { joinInstances } from '../expand/join-instances.js';
import { expandMatrix } from '../expand/matrix.js';
import type { Combination } from '../expand/matrix.js';
import { paramsLookup } from '../expand/params-lookup.js';
import { REPLICATE_AXIS, replicateValues } from '../expand/replicates.js';
import type { Lookup } from '../expand/evaluate-template.js';
import type { LoadedWorkflow } from '../spec/load-workflow.js';
import type { StepSpec } from '../spec/workflow-spec.js';
import { checkExpectations } from './check-expectations.js';
import { findCycle, topologicalOrder } from './cycles.js';
import { resolveReplicates } from './resolve-replicates.js';
import { stepDependencies } from './dependencies.js';
import { instanceConditions, planTimeLookup, stepConditions } from './plan-time-conditions.js';
import { resolveResources } from '../expand/instance-resources.js';
import { pruneUntakenEdges } from '../expand/prune-untaken.js';
import { typecheckStepExpressions } from './reference-types.js';
import { scanStepExpressions } from './scan-expressions.js';
import type { ScannedExpression } from './scan-expressions.js';
import type { StepCatalog, StepKindInfo } from './step-catalog.js';
import type { CompiledStep, DependencyMode, InstanceNode, UntakenBranch, WorkflowGraph } from './workflow-graph.js';

export interface CompileOptions {
  /** The environment steps will see (defaults to this process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Absolute folder of the workflow file; defaults to the current directory. */
  readonly workflowDir?: string;
  /** Report what is allowed but probably a mistake (an include key that is not an axis) as an error. */
  readonly strict?: boolean;
}

function unionOf(types: ValueType[]): ValueType {
  const distinct = [...new Map(types.map((type) => [JSON.stringify(type), type])).values()];
  return distinct.length === 1 ? distinct[0]! : { kind: 'union', options: distinct };
}

/** Fails with every diagnostic collected so far; later stages only run on values that reached their stage. */
function stopIf(diagnostics: Diagnostic[]): void {
  if (diagnostics.length > 0) throw new WorkflowError(diagnostics);
}

/**
 * Validated spec → expanded, type-checked instance graph. Every mistake that can be found without running
 * anything is found here and reported together, each at its position.
 */
export function compileWorkflow(loaded: LoadedWorkflow, catalog: StepCatalog, options: CompileOptions = {}): WorkflowGraph {
  const { spec, doc } = loaded;
  const env = Object.fromEntries(Object.entries({ ...(options.env ?? process.env), ...spec.env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const warn = (warning: Diagnostic): void => {
    if (options.strict) diagnostics.push(warning);
    else warnings.push({ ...warning, severity: 'warning' });
  };
  const stepsById = new Map(spec.steps.map((step) => [step.id, step]));
  const kinds = new Map<string, StepKindInfo>();

  for (const step of spec.steps) {
    const kind = catalog.lookup(step.uses);
    if (kind) kinds.set(step.uses, kind);
    else {
      diagnostics.push({
        code: 'UNKNOWN_STEP_KIND',
        span: doc.locate(['steps', step.id, 'uses']),
        message: `unknown step kind "${step.uses}"`,
        hint: `${expectedOneOf(step.uses, catalog.names())} (step kinds of other libraries must be listed under plugins)`,
      });
    }
  }

  const workflowDir = options.workflowDir ?? process.cwd();
  const scanned = new Map<string, ScannedExpression[]>();
  const dependencies = new Map<string, Map<string, DependencyMode>>();
  const untaken: UntakenBranch[] = [];
  // Steps whose references to upstream steps hang on matrix values: their instances decide them one by one.
  const decidedPerInstance = new Set<string>();
  const decideForStep = stepConditions(spec, workflowDir);
  for (const step of spec.steps) {
    const scan = scanStepExpressions(step, doc);
    diagnostics.push(...scan.diagnostics);
    scanned.set(step.id, scan.expressions);
    const deps = stepDependencies(step, scan.expressions, { doc, steps: stepsById, kinds }, decideForStep);
    diagnostics.push(...deps.diagnostics);
    dependencies.set(step.id, deps.dependencies);
    untaken.push(...deps.untaken.map((reference) => ({ step: step.id, ...reference })));
    if (deps.contingent) decidedPerInstance.add(step.id);
  }
  // Bad references only drop edges, so types can still be checked; a cycle leaves no order to check them in.

  const ids = spec.steps.map((step) => step.id);
  const cycle = findCycle(ids, (id) => dependencies.get(id)!.keys());
  if (cycle) {
    stopIf([...diagnostics, { code: 'CYCLE', span: doc.locate(['steps', cycle[0]!], 'key'), message: `dependency cycle: ${cycle.join(' → ')}`, hint: 'Remove one of these references or needs.' }]);
  }
  const order = topologicalOrder(ids, (id) => dependencies.get(id)!.keys());

  const planTime = paramsLookup(spec.params, env, workflowDir, spec.name);
  const typeContext = { doc, params: spec.params, coordinateTypes: new Map(), steps: stepsById, kinds, coordinateTypesOf: () => new Map() };
  const replicates = resolveReplicates(spec, planTime, typeContext, { diagnostics, warn });
  const compiled = new Map<string, CompiledStep>();
  const coordinateTypes = new Map<string, Map<string, ValueType>>();
  const combinationsOf = new Map<string, Combination[]>();
  for (const id of order) {
    const step = stepsById.get(id)!;
    const own = ownCombinations(step, planTime, replicates, doc, diagnostics, warn);
    combinationsOf.set(id, own);
    const types = new Map<string, ValueType>();
    for (const [upstream, mode] of dependencies.get(id)!) {
      if (mode !== 'each') continue;
      for (const [key, type] of coordinateTypes.get(upstream)!) types.set(key, type);
    }
    const ownKeys = [...new Set(own.flatMap((combo) => Object.keys(combo)))];
    for (const key of ownKeys) {
      if (types.has(key) && key === REPLICATE_AXIS && step.replicate) {
        diagnostics.push({
          code: 'MATRIX_CONFLICT',
          span: doc.locate(['steps', id, 'replicate'], 'key'),
          message: `step "${id}" already runs once per replicate: it reads a replicated step one instance at a time`,
          hint: 'Remove replicate: true here; the replicate coordinate is inherited.',
        });
      } else if (types.has(key)) {
        diagnostics.push({
          code: 'MATRIX_CONFLICT',
          span: doc.locate(['steps', id, 'matrix', key], 'key'),
          message: `matrix key "${key}" is already set by an upstream step this one reads`,
          hint: `Rename it, or drop it and use the inherited matrix.${key}.`,
        });
      }
      types.set(key, unionOf(own.filter((combo) => key in combo).map((combo) => typeOfValue(combo[key]))));
    }
    coordinateTypes.set(id, types);
    const expressions = scanned.get(id)!;
    diagnostics.push(
      ...typecheckStepExpressions(step, expressions, {
        doc,
        params: spec.params,
        coordinateTypes: types,
        steps: stepsById,
        kinds,
        coordinateTypesOf: (stepId) => coordinateTypes.get(stepId) ?? new Map(),
      }),
    );
    compiled.set(id, { spec: step, kind: kinds.get(step.uses)!, dependencies: dependencies.get(id)!, expressions, coordinateKeys: [...types.keys()].sort() });
  }
  diagnostics.push(...checkExpectations(spec.expectations, { doc, params: spec.params, steps: stepsById, kinds, coordinateTypesOf: (stepId) => coordinateTypes.get(stepId) ?? new Map() }));
  stopIf(diagnostics);

  const resourceProblems = onePerPlace(doc, diagnostics);
  const instancesByStep = new Map<string, InstanceNode[]>();
  const instances: InstanceNode[] = [];
  const byName = new Map<string, InstanceNode>();
  for (const id of order) {
    const step = compiled.get(id)!;
    const resourcesOf = (name: string, coordinates: Readonly<Record<string, unknown>>): InstanceNode['resources'] => {
      const { resources, problems } = resolveResources(step.spec.resources, step.kind, planTimeLookup(spec, workflowDir, coordinates));
      for (const problem of problems) resourceProblems.report(['steps', id, 'resources', problem.field], `resources.${problem.field} of ${name} ${problem.message}`);
      return resources;
    };
    let joined = joinInstances(step, combinationsOf.get(id)!, (upstream) => instancesByStep.get(upstream)!, resourcesOf);
    if (decidedPerInstance.has(id)) joined = pruneJoined(joined, (coordinates) => instanceConditions(spec, workflowDir, coordinates), doc, untaken);
    if (joined.length === 0) {
      diagnostics.push({
        code: 'EMPTY_MATRIX',
        span: doc.locate(['steps', id], 'key'),
        message: `step "${id}" has no instance: the steps it reads agree on no matrix values`,
        hint: 'Check that the upstream matrices share values for their common keys.',
      });
    }
    for (const instance of joined) {
      if (byName.has(instance.name)) {
        diagnostics.push({ code: 'MATRIX_CONFLICT', span: doc.locate(['steps', id], 'key'), message: `two instances are both named ${instance.name}`, hint: 'Make the matrix values distinct.' });
        continue;
      }
      byName.set(instance.name, instance);
      instances.push(instance);
    }
    instancesByStep.set(id, joined);
  }
  resourceProblems.flush();
  stopIf(diagnostics);

  const graph: WorkflowGraph = { spec, workflowDir, replicates, steps: order.map((id) => compiled.get(id)!), instances, byName, untaken, warnings: sortDiagnostics(warnings) };
  // The same mistake usually repeats in every instance of a sweep: report it once, saying how many it hits.
  const byPlace = new Map<string, { problem: Diagnostic; instances: string[] }>();
  for (const instance of instances) {
    for (const problem of checkInstanceWith(graph, instance, doc, { ...env, ...instance.step.spec.env })) {
      const place = `${problem.span.start.offset}:${problem.code}`;
      const seen = byPlace.get(place);
      if (seen) seen.instances.push(instance.name);
      else byPlace.set(place, { problem, instances: [instance.name] });
    }
  }
  for (const { problem, instances: hit } of byPlace.values()) {
    const total = instancesByStep.get(graph.byName.get(hit[0]!)!.step.spec.id)!.length;
    const where = total === 1 ? '' : hit.length === total ? ` (in all ${total} instances, e.g. ${hit[0]})` : ` (in ${hit[0]}${hit.length > 1 ? ` and ${hit.length - 1} more` : ''})`;
    diagnostics.push({ ...problem, message: `${problem.message}${where}` });
  }
  stopIf(diagnostics);
  return graph;
}

/**
 * Collects one problem per place in the file: a sweep repeats the same bad value in many instances, and
 * the first one's message, with how many more share it, says enough.
 */
function onePerPlace(doc: LoadedWorkflow['doc'], diagnostics: Diagnostic[]): { report(path: (string | number)[], message: string): void; flush(): void } {
  const seen = new Map<string, { path: (string | number)[]; message: string; more: number }>();
  return {
    report(path, message) {
      const place = JSON.stringify(path);
      const found = seen.get(place);
      if (found) found.more++;
      else seen.set(place, { path, message, more: 0 });
    },
    flush() {
      for (const { path, message, more } of seen.values()) {
        diagnostics.push({ code: 'INVALID_VALUE', span: doc.locate(path), message: `${message}${more > 0 ? ` (and in ${more} more instance(s))` : ''}`, hint: 'Give a number, or make the expression give one for every matrix value.' });
      }
    },
  };
}

/** The joined instances with the edges their matrix values rule out dropped; what was dropped goes to `untaken`, grouped. */
function pruneJoined(joined: readonly InstanceNode[], decideFor: (coordinates: Readonly<Record<string, unknown>>) => DecideCondition, doc: LoadedWorkflow['doc'], untaken: UntakenBranch[]): InstanceNode[] {
  const grouped = new Map<string, UntakenBranch & { instances: string[] }>();
  const pruned = joined.map((node) => {
    const result = pruneUntakenEdges(node, doc, decideFor(node.coordinates));
    for (const reference of result.untaken) {
      const group = `${reference.upstream}\u0000${reference.condition}\u0000${reference.value}`;
      const seen = grouped.get(group);
      if (seen) seen.instances.push(node.name);
      else grouped.set(group, { step: node.step.spec.id, ...reference, instances: [node.name] });
    }
    return result.instance;
  });
  // A reference every instance rules out the same way is the step's, as when params alone decide it.
  untaken.push(...[...grouped.values()].map(({ instances, ...branch }) => (instances.length === joined.length ? branch : { ...branch, instances })));
  return pruned;
}

/**
 * The step's own matrix combinations ([{}] without a matrix); axis expressions are evaluated over params,
 * and a step marked `replicate: true` gets the replicate axis last.
 */
function ownCombinations(
  step: StepSpec,
  planTime: Lookup,
  replicates: number,
  doc: LoadedWorkflow['doc'],
  diagnostics: Diagnostic[],
  warn: (warning: Diagnostic) => void,
): Combination[] {
  if (!step.matrix && !step.replicate) return [{}];
  const matrix = step.matrix ?? { axes: {}, include: [], exclude: [] };
  const axes: Record<string, unknown[]> = {};
  for (const [axis, values] of Object.entries(matrix.axes)) {
    if (Array.isArray(values)) {
      axes[axis] = values;
      continue;
    }
    const path = ['steps', step.id, 'matrix', axis];
    try {
      const value = evaluateTemplate(values, planTime);
      if (!Array.isArray(value) || value.length === 0) {
        diagnostics.push({ code: 'EMPTY_MATRIX', span: doc.locate(path), message: `matrix axis "${axis}" must be a non-empty list, but its expression gives ${JSON.stringify(value)}`, hint: 'Make the param a list with at least one value.' });
        continue;
      }
      axes[axis] = value;
    } catch (error) {
      diagnostics.push({ code: 'EXPR_TYPE', span: doc.locate(path), message: `matrix axis "${axis}": ${(error as Error).message}` });
    }
  }
  if (step.replicate) {
    if (REPLICATE_AXIS in matrix.axes) {
      diagnostics.push({
        code: 'MATRIX_CONFLICT',
        span: doc.locate(['steps', step.id, 'matrix', REPLICATE_AXIS], 'key'),
        message: `matrix axis "${REPLICATE_AXIS}" clashes with replicate: true, which adds that axis`,
        hint: 'Drop this axis and set the workflow\'s replicates: instead (or rename the axis).',
      });
    } else axes[REPLICATE_AXIS] = replicateValues(replicates);
  }
  const { combinations, problems, warnings } = expandMatrix({ axes, include: matrix.include, exclude: matrix.exclude });
  for (const problem of problems) {
    diagnostics.push({ code: problem.code, span: doc.locate(['steps', step.id, 'matrix', ...problem.path]), message: problem.message, ...(problem.hint ? { hint: problem.hint } : {}) });
  }
  for (const warning of warnings) warn({ code: warning.code, span: doc.locate(['steps', step.id, 'matrix', ...warning.path], 'key'), message: warning.message, hint: warning.hint });
  return combinations;
}
