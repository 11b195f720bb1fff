import { dirname, relative, resolve } from 'node:path';
import type { StepRegistry } from '@veriflow/step-api';
import { catalogOf, loadPlugins } from '@veriflow/runner';
import { compileEveryPreset, compileWorkflow, formatDiagnostic, formatDiagnosticPretty, loadWorkflow, resolveParams } from '@veriflow/workflow';
import type { Diagnostic, LoadedWorkflow, ParamChoice, WorkflowGraph } from '@veriflow/workflow';
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

/** Warnings go to stderr in the same form as errors; they stop nothing. */
function printWarnings(warnings: readonly Diagnostic[]): void {
  for (const warning of warnings) process.stderr.write(`${formatDiagnosticPretty(warning, sourceTexts.get(warning.span.file))}\n`);
}

/**
 * File → validated, expanded graph with built-in and plugin step kinds; prints its warnings (under `strict`
 * they are errors). Throws WorkflowError with every problem.
 */
export async function openWorkflow(file: string, choice: ParamChoice, strict = false): Promise<OpenedWorkflow> {
  const { path, text, loaded } = await readWorkflow(file);
  const chosen = { ...loaded, spec: resolveParams(loaded.spec, choice) };
  const registry = builtinRegistry();
  await loadPlugins(chosen, dirname(path), registry);
  const graph = compileWorkflow(chosen, catalogOf(registry), { workflowDir: dirname(path), strict });
  printWarnings(graph.warnings);
  return { path, directory: dirname(path), text, loaded: chosen, graph, registry };
}

/**
 * Like openWorkflow with the defaults, but also compiles the workflow with every preset (each followed by
 * the same --set overrides), reporting the problems of all of them together.
 */
export async function openWorkflowWithEveryPreset(file: string, overrides: readonly string[], strict = false): Promise<OpenedWorkflow & { readonly presets: ReadonlyMap<string, WorkflowGraph> }> {
  const { path, text, loaded } = await readWorkflow(file);
  const registry = builtinRegistry();
  await loadPlugins(loaded, dirname(path), registry);
  const graphs = compileEveryPreset(loaded, catalogOf(registry), overrides, { workflowDir: dirname(path), strict });
  // The same warning usually comes from every preset: print each once.
  const warnings = [graphs.defaults, ...graphs.presets.values()].flatMap((graph) => graph.warnings);
  printWarnings([...new Map(warnings.map((warning) => [formatDiagnostic(warning), warning])).values()]);
  return { path, directory: dirname(path), text, loaded: { ...loaded, spec: graphs.defaults.spec }, graph: graphs.defaults, registry, presets: graphs.presets };
}
