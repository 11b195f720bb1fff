/** The first dependency cycle found (as a closed path a → b → a), or undefined. Iterates in the given order for stable output. */
export function findCycle(order: readonly string[], edges: (node: string) => Iterable<string>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const seen = state.get(node);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges(node)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of order) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Kahn's algorithm with ties broken by the given order, so plans list steps as the file does where it can. */
export function topologicalOrder(order: readonly string[], dependencies: (node: string) => Iterable<string>): string[] {
  const position = new Map(order.map((node, index) => [node, index]));
  const remaining = new Map(order.map((node) => [node, new Set(dependencies(node))]));
  const result: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()].filter(([, deps]) => deps.size === 0).map(([node]) => node);
    if (ready.length === 0) throw new Error('topologicalOrder called on a graph with a cycle');
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const next = ready[0]!;
    result.push(next);
    remaining.delete(next);
    for (const deps of remaining.values()) deps.delete(next);
  }
  return result;
}
