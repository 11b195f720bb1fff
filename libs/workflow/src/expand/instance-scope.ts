import type { InstanceNode, WorkflowGraph } from '../compile/workflow-graph.js';
import type { Lookup } from './evaluate-template.js';

/** Where upstream outputs come from: placeholders while planning, real records while running. */
export interface OutputSource {
  outputs(instanceName: string): Readonly<Record<string, unknown>>;
  /** Whether the instance has outputs; fan-ins collect only those that do (default: all do). */
  has?(instanceName: string): boolean;
}

function walk(value: unknown, path: readonly (string | number)[], shown: string): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) {
      throw new Error(`${shown} has no "${String(segment)}"`);
    }
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Resolves `params.*`, `matrix.*`, `env.*`, `seed` and `steps.*` for one instance. */
export function instanceLookup(graph: WorkflowGraph, instance: InstanceNode, env: Readonly<Record<string, string>>, source: OutputSource): Lookup {
  return (path) => {
    const [root, ...rest] = path;
    switch (root) {
      case 'params':
        return walk(graph.spec.params, rest, 'params');
      case 'matrix':
        return walk(instance.coordinates, rest, `matrix of ${instance.name}`);
      case 'env':
        return rest.length === 0 ? { ...env } : (env[String(rest[0])] ?? '');
      case 'seed':
        return graph.spec.seed;
      case 'workflow':
        return walk({ dir: graph.workflowDir, name: graph.spec.name }, rest, 'workflow');
      case 'steps': {
        const [stepId, section, ...deeper] = rest;
        const id = String(stepId);
        if (section === 'instances') {
          const names = (instance.all[id] ?? (instance.each[id] ? [instance.each[id]] : [])).filter((name) => source.has?.(name) ?? true);
          const collected = names.map((name) => ({
            name,
            matrix: graph.byName.get(name)?.coordinates ?? {},
            outputs: source.outputs(name),
          }));
          return walk(collected, deeper, `steps.${id}.instances`);
        }
        const upstream = instance.each[id];
        if (!upstream) throw new Error(`${instance.name} does not consume step "${id}"`);
        return walk(source.outputs(upstream), deeper, `outputs of ${upstream}`);
      }
      default:
        throw new Error(`unknown name "${String(root)}"`);
    }
  };
}
