import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { isOutputName, OUTPUT_NAME_RULE } from '../compile/output-names.js';
import type { InstanceNode, WorkflowGraph } from '../compile/workflow-graph.js';
import type { SourceDocument } from '../source/index.js';
import { validateAgainstSchema } from '../validation/index.js';
import { evaluateTemplate } from './evaluate-template.js';
import type { Lookup } from './evaluate-template.js';
import { instanceLookup } from './instance-scope.js';
import type { OutputSource } from './instance-scope.js';

/** Stands in for a `json` output, whose shape nobody knows before the run. */
const UNKNOWN_JSON = Object.freeze({});
const STAND_IN: Record<string, unknown> = { artifact: '/deferred/artifact', string: '', number: 0, boolean: false, json: UNKNOWN_JSON };

/** Upstream outputs as stand-ins of their declared types. */
function standInSource(graph: WorkflowGraph): OutputSource {
  return {
    outputs(name) {
      const node = graph.byName.get(name)!;
      const declared = node.step.kind.outputs(node.step.spec.with);
      return Object.fromEntries(Object.entries(declared).map(([output, spec]) => [output, STAND_IN[spec.kind]]));
    },
  };
}

interface Deferred {
  /** JSON pointers (as ajv writes instancePath) whose values come from typed step outputs. */
  readonly typed: string[];
  /** ...whose values have no known type before the run (json outputs, whole output maps, fan-in). */
  readonly untyped: string[];
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Evaluates a `with` template with stand-ins, remembering which values depend on step outputs. */
function evaluateWithStandIns(template: unknown, lookup: Lookup): { value: unknown; deferred: Deferred } {
  const deferred: Deferred = { typed: [], untyped: [] };
  const visit = (node: unknown, pointer: string): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('${{')) return node;
      let readsSteps = false;
      let untyped = false;
      const value = evaluateTemplate(node, (path) => {
        const result = lookup(path);
        if (path[0] === 'steps') {
          readsSteps = true;
          if (path[2] !== 'outputs' || path.length !== 4 || result === UNKNOWN_JSON) untyped = true;
        }
        return result;
      });
      if (readsSteps) (untyped ? deferred.untyped : deferred.typed).push(pointer);
      return value;
    }
    if (Array.isArray(node)) return node.map((item, index) => visit(item, `${pointer}/${index}`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, visit(item, `${pointer}/${escapePointer(key)}`)]));
    }
    return node;
  };
  return { value: visit(template, ''), deferred };
}

const under = (pointer: string, prefixes: readonly string[]): boolean => prefixes.some((prefix) => pointer === prefix || pointer.startsWith(`${prefix}/`));

/**
 * Checks one instance's `with` against its step kind's JSON Schema before anything runs. Values that come
 * from step outputs are only checked for their declared type; everything else is checked in full.
 */
export function checkInstanceWith(graph: WorkflowGraph, instance: InstanceNode, doc: SourceDocument, env: Readonly<Record<string, string>>): Diagnostic[] {
  const step = instance.step;
  let evaluated: { value: unknown; deferred: Deferred };
  try {
    evaluated = evaluateWithStandIns(step.spec.with, instanceLookup(graph, instance, env, standInSource(graph)));
  } catch (error) {
    return [{ code: 'EXPR_TYPE', span: doc.locate(['steps', step.spec.id, 'with']), message: `in ${instance.name}: ${(error as Error).message}` }];
  }
  const { typed, untyped } = evaluated.deferred;
  const base = ['steps', step.spec.id, 'with'];
  // Caught here rather than when the step writes the output, after it has run.
  const badNames = Object.keys(step.kind.outputs(evaluated.value)).filter((name) => !isOutputName(name));
  const nameProblems = badNames.map((name): Diagnostic => ({
    code: 'WITH_SCHEMA',
    // `command` names its outputs under with.outputs; a kind's own bad name falls back to the step's `with`.
    span: doc.locate([...base, 'outputs', name], 'key'),
    message: `output name "${name}" of ${step.spec.uses} cannot be a file name`,
    hint: OUTPUT_NAME_RULE,
  }));
  return [...nameProblems, ...validateAgainstSchema(step.kind.withSchema, evaluated.value, {
    doc,
    basePath: base,
    code: 'WITH_SCHEMA',
    describe: `${step.spec.uses} input`,
    ignore: (instancePath: string, keyword: string) => under(instancePath, untyped) || (under(instancePath, typed) && keyword !== 'type'),
  })];
}
