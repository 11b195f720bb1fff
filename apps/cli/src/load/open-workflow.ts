import { dirname, relative, resolve } from 'node:path';
import type { StepRegistry } from '@veriflow/step-api';
import { catalogOf, loadPlugins } from '@veriflow/runner';
import { compileEveryPreset, compileWorkflow, loadWorkflow, resolveParams } from '@veriflow/workflow';
import type { LoadedWorkflow, ParamChoice, WorkflowGraph } from '@veriflow/workflow';
import { builtinRegistry } from './builtin-steps.js';
import { readWorkflowFile } from './read-workflow-file.js';

export interface OpenedWorkflow {
  readonly path: string;
  readonly directory: string;
  readonly text: string;
  /** With the params chosen on the command line (defaults, then --preset, then --set); `spec.preset` names the preset. */
  readonly loaded: LoadedWorkflow;
  readonly graph: WorkflowGraph;
  readonly registry: StepRegistry;
}

/** Source texts by the name diagnostics use, so errors can quote the offending line. */
export const sourceTexts = new Map<string, string>();

/** The file, read and validated (presets included), under the name diagnostics give it. */
async function readWorkflow(file: string): Promise<{ path: string; text: string; loaded: LoadedWorkflow }> {
  const path = resolve(file);
  const text = await readWorkflowFile(file, path);
  const shown = relative(process.cwd(), path) || path;
  const name = shown.startsWith('..') ? path : shown;
  sourceTexts.set(name, text);
  return { path, text, loaded: loadWorkflow(text, name) };
}

/** File → validated, expanded graph with built-in and plugin step kinds. Throws WorkflowError with every problem. */
export async function openWorkflow(file: string, choice: ParamChoice): Promise<OpenedWorkflow> {
  const { path, text, loaded } = await readWorkflow(file);
  const chosen = { ...loaded, spec: resolveParams(loaded.spec, choice) };
  const registry = builtinRegistry();
  await loadPlugins(chosen, dirname(path), registry);
  const graph = compileWorkflow(chosen, catalogOf(registry), { workflowDir: dirname(path) });
  return { path, directory: dirname(path), text, loaded: chosen, graph, registry };
}

/**
 * Like openWorkflow with the defaults, but also compiles the workflow with every preset (each followed by
 * the same --set overrides), reporting the problems of all of them together.
 */
export async function openWorkflowWithEveryPreset(file: string, overrides: readonly string[]): Promise<OpenedWorkflow & { readonly presets: ReadonlyMap<string, WorkflowGraph> }> {
  const { path, text, loaded } = await readWorkflow(file);
  const registry = builtinRegistry();
  await loadPlugins(loaded, dirname(path), registry);
  const graphs = compileEveryPreset(loaded, catalogOf(registry), overrides, { workflowDir: dirname(path) });
  return { path, directory: dirname(path), text, loaded: { ...loaded, spec: graphs.defaults.spec }, graph: graphs.defaults, registry, presets: graphs.presets };
}
