import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { outputsOf } from '@veriflow/step-api';
import type { StepRegistry } from '@veriflow/step-api';
import type { InstanceOutcome } from '../observe/run-observer.js';
import type { Workspace } from '../execute/workspace.js';

export interface ExportedFigure {
  readonly instance: string;
  readonly output: string;
  readonly path: string;
}

const EXTENSIONS: Record<string, string> = { 'image/svg+xml': 'svg', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif' };

const fileSafe = (name: string): string => name.replace(/[^A-Za-z0-9._=,-]+/g, '_').slice(0, 150);

/**
 * Copies every image output of the run's instances to `.veriflow/workflows/<name>/figures/`, so the
 * figures of the last run sit next to its results under readable names instead of digests.
 */
export async function exportFigures(workspace: Workspace, workflow: string, outcomes: readonly InstanceOutcome[], registry: StepRegistry): Promise<ExportedFigure[]> {
  const directory = join(workspace.layout.workflowDir(workflow), 'figures');
  await rm(directory, { recursive: true, force: true });
  const figures: ExportedFigure[] = [];
  for (const outcome of outcomes) {
    if (!outcome.key || (outcome.status !== 'succeeded' && outcome.status !== 'cached')) continue;
    const record = await workspace.records.read(outcome.key);
    const definition = record && registry.get(record.kind);
    if (!record || !definition) continue;
    const declared = outputsOf(definition, record.with);
    for (const [output, recorded] of Object.entries(record.outputs)) {
      const extension = EXTENSIONS[declared[output]?.media ?? ''];
      if (recorded.kind !== 'artifact' || !extension) continue;
      await mkdir(directory, { recursive: true });
      const path = join(directory, `${fileSafe(outcome.name)}.${output}.${extension}`);
      await copyFile(workspace.objects.pathOf(recorded.digest), path);
      figures.push({ instance: outcome.name, output, path });
    }
  }
  return figures;
}
