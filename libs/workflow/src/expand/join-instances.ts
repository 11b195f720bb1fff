import { isDeepStrictEqual } from 'node:util';
import type { CompiledStep, InstanceNode, InstanceResources } from '../compile/workflow-graph.js';
import type { Combination } from './matrix.js';
import { instanceName } from './instance-name.js';

const compatible = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean =>
  Object.keys(b).every((key) => !(key in a) || isDeepStrictEqual(a[key], b[key]));

interface Partial {
  coordinates: Record<string, unknown>;
  each: Record<string, string>;
}

/**
 * Instances of one step: the natural join of the instances it consumes one at a time (they must agree on
 * shared matrix keys, so `evaluate` pairs `train[p=0.1]` with `synth[p=0.1]` and not `synth[p=0.3]`),
 * times its own matrix. Fan-in dependencies collect every compatible upstream instance.
 */
export function joinInstances(
  step: CompiledStep,
  ownCombinations: readonly Combination[],
  instancesOf: (stepId: string) => readonly InstanceNode[],
  resourcesOf: (name: string, coordinates: Readonly<Record<string, unknown>>) => InstanceResources,
): InstanceNode[] {
  let partials: Partial[] = [{ coordinates: {}, each: {} }];
  for (const [upstream, mode] of step.dependencies) {
    if (mode !== 'each') continue;
    const next: Partial[] = [];
    for (const partial of partials) {
      for (const candidate of instancesOf(upstream)) {
        if (!compatible(partial.coordinates, candidate.coordinates)) continue;
        next.push({ coordinates: { ...partial.coordinates, ...candidate.coordinates }, each: { ...partial.each, [upstream]: candidate.name } });
      }
    }
    partials = next;
  }

  const instances: InstanceNode[] = [];
  for (const partial of partials) {
    for (const own of ownCombinations) {
      const coordinates = { ...partial.coordinates, ...own };
      const all: Record<string, string[]> = {};
      for (const [upstream, mode] of step.dependencies) {
        if (mode === 'all') all[upstream] = instancesOf(upstream).filter((candidate) => compatible(coordinates, candidate.coordinates)).map((candidate) => candidate.name);
      }
      const upstream = [...new Set([...Object.values(partial.each), ...Object.values(all).flat()])];
      const name = instanceName(step.spec.id, coordinates);
      instances.push({ name, step, coordinates, each: partial.each, all, upstream, resources: resourcesOf(name, coordinates) });
    }
  }
  return instances;
}
