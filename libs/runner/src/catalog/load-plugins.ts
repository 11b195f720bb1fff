import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStepDefinition, StepRegistry } from '@veriflow/step-api';
import type { Diagnostic, LoadedWorkflow } from '@veriflow/workflow';
import { WorkflowError } from '@veriflow/workflow';
import { pluginFrame, syntaxErrorPosition } from './plugin-frame.js';

function isStepDefinition(value: unknown): value is AnyStepDefinition {
  const candidate = value as Partial<AnyStepDefinition> | null;
  return !!candidate && typeof candidate.name === 'string' && typeof candidate.version === 'string' && typeof candidate.run === 'function' && typeof candidate.with === 'object';
}

/** Where a plugin entry points: a file next to the workflow, or a package installed where the workflow lives. */
function resolvePlugin(entry: string, workflowDir: string): string {
  if (entry.startsWith('.') || isAbsolute(entry)) return pathToFileURL(resolve(workflowDir, entry)).href;
  return pathToFileURL(createRequire(join(workflowDir, 'workflow.js')).resolve(entry)).href;
}

/** Why a plugin could not be imported; for an error in its own code, where in the plugin it arose. */
async function importProblem(entry: string, url: string | undefined, error: unknown, span: Diagnostic['span']): Promise<Diagnostic> {
  const first = (error as Error).message.split('\n')[0];
  const where = url === undefined ? undefined : error instanceof SyntaxError ? await syntaxErrorPosition(url) : pluginFrame(error, url);
  if (where !== undefined) {
    const kind = error instanceof Error ? `${error.name}: ` : '';
    return { code: 'PLUGIN', span, message: `plugin "${entry}" failed while being imported, at ${where}: ${kind}${first}`, hint: 'Fix the plugin there: its top-level code runs whenever the workflow is loaded.' };
  }
  return { code: 'PLUGIN', span, message: `plugin "${entry}" could not be loaded: ${first}`, hint: 'Paths are relative to the workflow file; packages must be installed where the workflow is.' };
}

/**
 * Imports every module listed under `plugins:` and registers the step kinds it exports
 * (`export const steps = [...]`, or a default export of that array).
 */
export async function loadPlugins(loaded: LoadedWorkflow, workflowDir: string, registry: StepRegistry): Promise<void> {
  const problems: Diagnostic[] = [];
  for (const [index, entry] of loaded.spec.plugins.entries()) {
    const span = loaded.doc.locate(['plugins', index]);
    let url: string | undefined;
    try {
      url = resolvePlugin(entry, workflowDir);
      const module = (await import(url)) as { steps?: unknown; default?: unknown };
      const steps = module.steps ?? module.default;
      if (!Array.isArray(steps) || !steps.every(isStepDefinition)) {
        problems.push({ code: 'PLUGIN', span, message: `plugin "${entry}" does not export its step kinds`, hint: 'Export them as `export const steps = [defineStep({...}), ...]`.' });
        continue;
      }
      registry.register(steps, `plugin ${entry}`, module.steps ? url : undefined);
    } catch (error) {
      problems.push(await importProblem(entry, url, error, span));
    }
  }
  if (problems.length > 0) throw new WorkflowError(problems);
}
