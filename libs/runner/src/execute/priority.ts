/**
 * The order in which instances waiting for resources are served: a topological order that follows each
 * chain as far as it can before starting the next one. With `student[a] → predict[a] → evaluate[a]` for
 * many `a`, a finished `student[a]` lets `predict[a]` and `evaluate[a]` go ahead of `student[b]`, so
 * results appear (and are cached) while the sweep is still running, instead of every evaluation waiting
 * for the last training.
 */
export interface Ordered {
  readonly name: string;
  /** Names of the instances this one reads. */
  readonly upstream: readonly string[];
}

/** Priority (lower first) per instance name; `instances` must be in a topological order. */
export function chainFirstPriority(instances: readonly Ordered[]): Map<string, number> {
  const known = new Set(instances.map((instance) => instance.name));
  const downstream = new Map<string, Ordered[]>();
  // Upstream instances not placed yet, per instance: each placement counts its dependents down once, so a
  // fan-in of n waits in O(n), not O(n²) re-checks of its whole upstream list.
  const waiting = new Map<string, number>();
  for (const instance of instances) {
    const upstream = new Set(instance.upstream.filter((name) => known.has(name)));
    waiting.set(instance.name, upstream.size);
    for (const name of upstream) {
      const list = downstream.get(name) ?? [];
      list.push(instance);
      downstream.set(name, list);
    }
  }
  const priority = new Map<string, number>();
  const place = (first: Ordered) => {
    // Iterative depth-first walk: deep chains must not overflow the stack.
    const stack = [first];
    while (stack.length > 0) {
      const instance = stack.pop()!;
      priority.set(instance.name, priority.size);
      const next = (downstream.get(instance.name) ?? []).filter((d) => {
        const left = waiting.get(d.name)! - 1;
        waiting.set(d.name, left);
        return left === 0;
      });
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
    }
  };
  for (const instance of instances) if (!priority.has(instance.name) && waiting.get(instance.name) === 0) place(instance);
  return priority;
}
