import { lstat, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { namingRefusals } from '@veriflow/durable-fs';
import { outputsOf } from '@veriflow/step-api';
import type { AnyStepDefinition } from '@veriflow/step-api';
import type { ObjectStore, RecordedOutput } from '../store/index.js';

function valueMatches(kind: string, value: unknown): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return value !== undefined;
  }
}

/**
 * Why the file a step left for an artifact output cannot be stored, or undefined when it can. A symbolic
 * link is fine when it leads to a file: the store copies that file's bytes, never the link.
 */
async function artifactProblem(name: string, path: string): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return `was not written (write it with ctx.writeJson/ctx.writeBytes or to ctx.outputPath("${name}"))`;
  if (info.isSymbolicLink()) {
    const target = await readlink(path);
    const resolved = await stat(path).catch(() => undefined);
    if (resolved === undefined) return `is a symbolic link to ${target}, which does not exist; write the file itself, or link to one that exists when the step ends`;
    return resolved.isFile() ? undefined : `is a symbolic link to ${target}, which is not a file (archive a directory first)`;
  }
  return info.isFile() ? undefined : `at ${path} is not a file (archive a directory first)`;
}

/** Collects declared outputs after a successful attempt; anything missing or mistyped fails the attempt. */
export async function collectOutputs(definition: AnyStepDefinition, runWith: unknown, values: Record<string, unknown>, outputsDir: string, objects: ObjectStore): Promise<Record<string, RecordedOutput>> {
  const declared = outputsOf(definition, runWith);
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.kind === 'artifact') {
      const problem = await artifactProblem(name, join(outputsDir, name));
      if (problem) problems.push(`artifact output "${name}" ${problem}`);
    } else if (!valueMatches(spec.kind, values[name])) {
      problems.push(`output "${name}" should be a ${spec.kind === 'number' ? 'finite number' : spec.kind} but the step returned ${JSON.stringify(values[name]) ?? 'nothing'}`);
    }
  }
  if (problems.length > 0) throw new Error(`step ${definition.name} broke its contract: ${problems.join('; ')}`);
  const outputs: Record<string, RecordedOutput> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.kind === 'artifact') {
      const stored = await namingRefusals(objects.root, () => objects.putFile(join(outputsDir, name), { move: true }));
      outputs[name] = { kind: 'artifact', digest: stored.digest, size: stored.size };
    } else {
      outputs[name] = { kind: 'value', value: values[name] };
    }
  }
  // Values a step reports beyond its declaration (e.g. the keys of a command's `values` file) are kept for
  // results and tracking; only declared outputs can be referenced by other steps.
  for (const [name, value] of Object.entries(values)) {
    if (!(name in declared) && value !== undefined) outputs[name] = { kind: 'value', value };
  }
  return outputs;
}
