import type { TrackedInstance } from '../model.js';
import type { RunRecord, RunStore } from '../store/run-store.js';

/** A selector that names no instance, or is malformed; the CLI reports it as a usage error. */
export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

export interface Selector {
  /** Run id or unique prefix. */
  readonly run: string;
  /** An instance name or a step name; undefined selects the whole run. */
  readonly target: string | undefined;
}

/** `<run>`, `<run>:<instance>` or `<run>:<step>`. Only the first colon splits: instance names may contain colons, run ids cannot. */
export function parseSelector(text: string): Selector {
  const colon = text.indexOf(':');
  const run = colon < 0 ? text : text.slice(0, colon);
  const target = colon < 0 ? undefined : text.slice(colon + 1);
  if (run === '') throw new SelectionError(`"${text}" names no run: use <run id>, <run id>:<instance> or <run id>:<step>`);
  if (target === '') throw new SelectionError(`"${text}" has nothing after the colon: use <run id>:<instance> or <run id>:<step>`);
  return { run, target };
}

function pick(record: RunRecord, target: string | undefined, text: string): TrackedInstance[] {
  if (target === undefined) return record.instances;
  const exact = record.instances.filter((instance) => instance.name === target);
  if (exact.length > 0) return exact;
  const ofStep = record.instances.filter((instance) => instance.step === target);
  if (ofStep.length > 0) return ofStep;
  const steps = [...new Set(record.instances.map((instance) => instance.step))];
  const hint = steps.length > 0 ? `its steps are ${steps.join(', ')}` : 'it has no instances';
  throw new SelectionError(`"${text}": run ${record.run.id} has no instance or step "${target}"; ${hint}`);
}

/**
 * The instances the selectors name, in selector order, each once. Run lookups throw `RunLookupError`
 * (no match or ambiguous prefix); a missing instance or step throws `SelectionError`.
 */
export async function selectInstances(store: RunStore, selectors: readonly string[]): Promise<TrackedInstance[]> {
  const records = new Map<string, RunRecord>();
  const chosen = new Map<string, TrackedInstance>();
  for (const text of selectors) {
    const selector = parseSelector(text);
    const id = await store.resolveRunId(selector.run);
    let record = records.get(id);
    if (!record) records.set(id, (record = await store.readRun(id)));
    for (const instance of pick(record, selector.target, text)) {
      const key = `${instance.runId}\u0000${instance.name}`;
      if (!chosen.has(key)) chosen.set(key, instance);
    }
  }
  return [...chosen.values()];
}
