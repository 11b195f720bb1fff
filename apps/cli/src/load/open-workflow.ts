import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { StepRegistry } from '@veriflow/step-api';
import { catalogOf, loadPlugins } from '@veriflow/runner';
import { applyOverrides, compileWorkflow, loadWorkflow } from '@veriflow/workflow';
import type { LoadedWorkflow, WorkflowGraph } from '@veriflow/workflow';
import { builtinRegistry } from './builtin-steps.js';
import { UsageError } from '../usage-error.js';

export interface OpenedWorkflow {
  readonly path: string;
  readonly directory: string;
  readonly text: string;
  readonly loaded: LoadedWorkflow;
  readonly graph: WorkflowGraph;
  readonly registry: StepRegistry;
}

/** Source texts by the name diagnostics use, so errors can quote the offending line. */
export const sourceTexts = new Map<string, string>();

/** File → validated, expanded graph with built-in and plugin step kinds. Throws WorkflowError with every problem. */
export async function openWorkflow(file: string, overrides: readonly string[]): Promise<OpenedWorkflow> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read workflow ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const shown = relative(process.cwd(), path) || path;
  const name = shown.startsWith('..') ? path : shown;
  sourceTexts.set(name, text);
  const loaded = loadWorkflow(text, name);
  const withOverrides = { ...loaded, spec: applyOverrides(loaded.spec, overrides) };
  const registry = builtinRegistry();
  await loadPlugins(withOverrides, dirname(path), registry);
  const graph = compileWorkflow(withOverrides, catalogOf(registry), { workflowDir: dirname(path) });
  return { path, directory: dirname(path), text, loaded: withOverrides, graph, registry };
}
