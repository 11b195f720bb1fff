import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isAbsolute, relative, sep } from 'node:path';
import { argoWorkflow } from '@veriflow/runner';
import type { RunArgs } from '../args.js';
import { openWorkflow } from '../load/open-workflow.js';
import { UsageError } from '../usage-error.js';
import { computePlan } from './plan.js';

const CLI_MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** A path relative to the current directory, as the pods see it from the volume's root (POSIX separators); undefined when outside it. */
function onVolume(path: string): string | undefined {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') || isAbsolute(shown) ? undefined : shown.split(sep).join('/');
}

/**
 * `veriflow export <workflow.yaml> --format argo [-o FILE]`: the expanded DAG, as `veriflow plan` sees it,
 * as an Argo Workflow in JSON (which Argo and kubectl read as YAML). The current directory is taken to be
 * what the shared volume holds.
 */
export async function exportCommand(args: RunArgs): Promise<number> {
  if (args.format !== 'argo') throw new UsageError(`veriflow export writes --format argo (an Argo Workflow), got --format ${args.format}`);
  const opened = await openWorkflow(args.file, { preset: args.preset, overrides: args.sets }, args.strict);
  const planned = await computePlan(opened, args);
  const workflowFile = onVolume(opened.path);
  if (workflowFile === undefined) throw new UsageError(`the workflow file ${opened.path} is outside the current directory, so it would not be on the volume; run veriflow export from the folder the volume holds`);
  const workflow = argoWorkflow(opened.graph, planned, {
    workflowFile,
    // Outside the project (veriflow installed elsewhere): the same absolute path, which an image may hold; the cli parameter overrides it.
    cliPath: onVolume(CLI_MAIN) ?? CLI_MAIN,
    preset: args.preset,
    sets: args.sets,
    only: args.only,
  });
  const text = `${JSON.stringify(workflow, null, 2)}\n`;
  if (args.output === undefined) process.stdout.write(text);
  else await writeFile(args.output, text);
  return 0;
}
