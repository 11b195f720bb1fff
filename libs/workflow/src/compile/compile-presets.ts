import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { WorkflowError } from '../diagnostics/diagnostic.js';
import type { LoadedWorkflow } from '../spec/load-workflow.js';
import { resolveParams } from '../spec/resolve-params.js';
import { compileWorkflow } from './compile-workflow.js';
import type { CompileOptions } from './compile-workflow.js';
import type { StepCatalog } from './step-catalog.js';
import type { WorkflowGraph } from './workflow-graph.js';

export interface PresetGraphs {
  /** The workflow with its default params. */
  readonly defaults: WorkflowGraph;
  /** The workflow with each preset, in file order. */
  readonly presets: ReadonlyMap<string, WorkflowGraph>;
}

const place = (d: Diagnostic): string => `${d.span.file}\u0000${d.span.start.offset}\u0000${d.code}`;

function presetsPrefix(names: readonly string[]): string {
  const quoted = names.map((name) => `"${name}"`);
  return quoted.length === 1 ? `with preset ${quoted[0]}: ` : `with presets ${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}: `;
}

/**
 * Compiles the workflow with its defaults and with every preset (each followed by the same `--set`
 * overrides), so that a preset that breaks the graph (a value a step's schema refuses, an empty matrix)
 * is found without choosing it. Each problem is reported once; one that only some presets cause starts
 * with "with preset NAME:".
 */
export function compileEveryPreset(loaded: LoadedWorkflow, catalog: StepCatalog, overrides: readonly string[] = [], options: CompileOptions = {}): PresetGraphs {
  const variants: (string | undefined)[] = [undefined, ...Object.keys(loaded.spec.presets)];
  const graphs = new Map<string | undefined, WorkflowGraph>();
  const found = new Map<string, { diagnostic: Diagnostic; variants: (string | undefined)[] }>();
  for (const preset of variants) {
    try {
      const spec = resolveParams(loaded.spec, { preset, overrides });
      graphs.set(preset, compileWorkflow({ ...loaded, spec }, catalog, options));
    } catch (error) {
      if (!(error instanceof WorkflowError)) throw error;
      for (const diagnostic of error.diagnostics) {
        const key = `${place(diagnostic)}\u0000${diagnostic.message}`;
        const seen = found.get(key);
        if (seen) seen.variants.push(preset);
        else found.set(key, { diagnostic, variants: [preset] });
      }
    }
  }
  if (found.size === 0) {
    const presets = new Map(variants.filter((name): name is string => name !== undefined).map((name) => [name, graphs.get(name)!]));
    return { defaults: graphs.get(undefined)!, presets };
  }
  const entries = [...found.values()];
  // A mistake the defaults make too is theirs, even where a preset words it differently (e.g. its instance count).
  const atDefaults = new Set(entries.filter((entry) => entry.variants.includes(undefined)).map((entry) => place(entry.diagnostic)));
  const diagnostics = entries.flatMap(({ diagnostic, variants: hit }): Diagnostic[] => {
    if (hit.includes(undefined)) return [diagnostic];
    if (atDefaults.has(place(diagnostic))) return [];
    return [{ ...diagnostic, message: `${presetsPrefix(hit as string[])}${diagnostic.message}` }];
  });
  throw new WorkflowError(diagnostics);
}
