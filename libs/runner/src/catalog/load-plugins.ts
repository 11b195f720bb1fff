import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStepDefinition, StepRegistry } from '@veriflow/step-api';
import type { Diagnostic, LoadedWorkflow } from '@veriflow/workflow';
import { WorkflowError } from '@veriflow/workflow';

function isStepDefinition(value: unknown): value is AnyStepDefinition {
  const candidate = value as Partial<AnyStepDefinition> | null;
  return !!candidate && typeof candidate.name === 'string' && typeof candidate.version === 'string' && typeof candidate.run === 'function' && typeof candidate.with === 'object';
}

/** Where a plugin entry points: a file next to the workflow, or a package installed where the workflow lives. */
function resolvePlugin(entry: string, workflowDir: string): string {
  if (entry.startsWith('.') || isAbsolute(entry)) return pathToFileURL(resolve(workflowDir, entry)).href;
  return pathToFileURL(createRequire(join(workflowDir, 'workflow.js')).resolve(entry)).href;
}

/**
 * Imports every module listed under `plugins:` and registers the step kinds it exports
 * (`export const steps = [...]`, or a default export of that array).
 */
export async function loadPlugins(loaded: LoadedWorkflow, workflowDir: string, registry: StepRegistry): Promise<void> {
  const problems: Diagnostic[] = [];
  for (const [index, entry] of loaded.spec.plugins.entries()) {
    const span = loaded.doc.locate(['plugins', index]);
    try {
      const url = resolvePlugin(entry, workflowDir);
      const module = (await import(url)) as { steps?: unknown; default?: unknown };
      const steps = module.steps ?? module.default;
      if (!Array.isArray(steps) || !steps.every(isStepDefinition)) {
        problems.push({ code: 'PLUGIN', span, message: `plugin "${entry}" does not export its step kinds`, hint: 'Export them as `export const steps = [defineStep({...}), ...]`.' });
        continue;
      }
      registry.register(steps, `plugin ${entry}`, module.steps ? url : undefined);
    } catch (error) {
      problems.push({ code: 'PLUGIN', span, message: `plugin "${entry}" could not be loaded: ${(error as Error).message.split('\n')[0]}`, hint: 'Paths are relative to the workflow file; packages must be installed where the workflow is.' });
    }
  }
  if (problems.length > 0) throw new WorkflowError(problems);
}
