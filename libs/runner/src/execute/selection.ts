import type { WorkflowGraph } from '@veriflow/workflow';

/** Which instances a run covers, and which it recomputes even when cached. */
export interface Selection {
  /** Step ids or instance names to run (with everything upstream of them); all when undefined. */
  readonly only?: readonly string[];
  /** `all`, or the step ids whose instances are recomputed. */
  readonly force?: 'all' | ReadonlySet<string>;
}

/** Names of the selected instances: those of the `only` steps, the `only` instances, and their transitive upstream. */
export function selectInstances(graph: WorkflowGraph, selection: Selection): Set<string> {
  if (!selection.only) return new Set(graph.instances.map((instance) => instance.name));
  const wanted = new Set(selection.only);
  const selected = new Set<string>();
  const stack = graph.instances.filter((instance) => wanted.has(instance.step.spec.id) || wanted.has(instance.name)).map((instance) => instance.name);
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (selected.has(name)) continue;
    selected.add(name);
    stack.push(...graph.byName.get(name)!.upstream);
  }
  return selected;
}
