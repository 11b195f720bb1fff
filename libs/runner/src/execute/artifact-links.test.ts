import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defineStep, StepRegistry } from '@veriflow/step-api';
import { compileWorkflow, loadWorkflow } from '@veriflow/workflow';
import { catalogOf, runWorkflow, Workspace } from '../index.js';
import type { RunResult } from '../index.js';

/** Leaves its `model` output as a symbolic link to `target`, after writing `write` (relative to the outputs folder) if given. */
const link = defineStep({
  name: 'toy/link',
  version: '1',
  description: 'declares a symbolic link as its artifact output',
  with: { type: 'object', properties: { target: { type: 'string' }, write: { type: 'string' } }, required: ['target'], additionalProperties: false },
  outputs: { model: { kind: 'artifact' } },
}).run(async (ctx) => {
  const path = ctx.outputPath('model');
  if (ctx.with.write !== undefined) {
    const file = join(dirname(path), ctx.with.write);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, 'epoch 3 weights');
  }
  await symlink(ctx.with.target, path);
  return {};
});

const registry = new StepRegistry();
registry.register([link], 'artifact-links.test');

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-links-'));
  dirs.push(dir);
  return dir;
};

let runs = 0;
async function runLink(workspace: Workspace, withText: string): Promise<RunResult> {
  const text = ['name: links', 'steps:', '  save:', '    uses: toy/link', `    with: ${withText}`, ''].join('\n');
  const graph = compileWorkflow(loadWorkflow(text, 'wf.yaml'), catalogOf(registry), { workflowDir: '/w', env: {} });
  return runWorkflow({ workspace, graph, workflowDir: '/w', registry, runId: `links-${++runs}`, capacity: { jobs: 1, cpus: 1, gpus: 0 }, keepGoing: false, selection: {}, env: {}, previous: new Map(), signal: new AbortController().signal, observers: [] });
}

const modelObject = async (workspace: Workspace, result: RunResult): Promise<string> => {
  const output = result.outcomes[0]?.record?.outputs.model;
  assert.ok(output?.kind === 'artifact', `no model artifact in ${JSON.stringify(result.outcomes[0])}`);
  const path = workspace.objects.pathOf(output.digest);
  assert.ok((await lstat(path)).isFile(), 'the object is a regular file, not a link');
  return path;
};

describe('artifact outputs that are symbolic links', () => {
  it('a link to a file outside the workspace stores a copy; the file keeps its mode, and a later edit does not reach the cache', async () => {
    const workspace = new Workspace(await tempDir());
    const outside = join(await tempDir(), 'file');
    await writeFile(outside, 'outside v1');
    await chmod(outside, 0o664);

    const result = await runLink(workspace, `{ target: ${JSON.stringify(outside)} }`);
    assert.equal(result.outcomes[0]?.status, 'succeeded', result.outcomes[0]?.error);
    const object = await modelObject(workspace, result);
    assert.equal(await readFile(object, 'utf8'), 'outside v1');
    assert.equal((await stat(outside)).mode & 0o777, 0o664, 'the outside file was not made read-only');

    await writeFile(outside, 'outside v2');
    assert.equal(await readFile(object, 'utf8'), 'outside v1');
    const again = await runLink(workspace, `{ target: ${JSON.stringify(outside)} }`);
    assert.equal(again.outcomes[0]?.status, 'cached');
  });

  it('a relative link inside the step\'s folder (last.pt -> ckpt/epoch3.pt) just works', async () => {
    const workspace = new Workspace(await tempDir());
    const result = await runLink(workspace, '{ target: ckpt/epoch3.pt, write: ckpt/epoch3.pt }');
    assert.equal(result.outcomes[0]?.status, 'succeeded', result.outcomes[0]?.error);
    assert.equal(await readFile(await modelObject(workspace, result), 'utf8'), 'epoch 3 weights');
  });

  it('a dangling link fails the step, naming the output, the link and its target', async () => {
    const workspace = new Workspace(await tempDir());
    const result = await runLink(workspace, '{ target: ckpt/missing.pt }');
    assert.equal(result.outcomes[0]?.status, 'failed');
    assert.match(result.outcomes[0]?.error ?? '', /artifact output "model" is a symbolic link to ckpt\/missing\.pt, which does not exist/);
  });
});
