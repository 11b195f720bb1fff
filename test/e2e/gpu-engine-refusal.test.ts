import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeAdapter } from '@veriflow/ml/engine';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

// The model step asks for the GPU engine before it reads its data (which does not exist), and a step after
// it would leave a file behind: neither may happen when no GPU is usable.
const WORKFLOW = `
name: gpu-refusal
steps:
  train:
    uses: eigen/train
    with: { data: "\${{ workflow.dir }}/never-read.bin", steps: 1, device: gpu }
  after:
    uses: command
    with:
      run: [node, -e, "require('node:fs').writeFileSync(process.argv[1], 'ran')", "\${{ workflow.dir }}/after-ran", "\${{ steps.train.outputs.engine }}"]
`;

const { fact } = await probeAdapter();
const skip = fact.kind === 'hardware' ? `this machine has a WebGPU GPU adapter (${fact.description}): device gpu runs here` : false;

describe('device: gpu on a machine without a usable GPU', { skip }, () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW })));
  after(() => dispose());

  it('fails the run before the step does any work, naming what is missing and how to get it', async () => {
    const result = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(statusesOf(await readResults(dir, 'gpu-refusal')), { train: 'failed', after: 'skipped' });
    assert.equal(existsSync(join(dir, 'after-ran')), false);
    const output = result.stdout + result.stderr;
    assert.match(output, /device: 'gpu' was requested but no GPU backend is usable/);
    assert.doesNotMatch(output, /never-read\.bin/, 'the refusal comes before the data is read');
    // What Dawn said on this machine, and the piece the diagnosis names for it (real probes, no injection).
    if (fact.kind === 'package-missing') assert.match(output, /webgpu: the npm package webgpu is not installed/);
    else assert.match(output, fact.kind === 'software' ? /webgpu: Dawn found only a software adapter/ : /webgpu: Dawn found no WebGPU adapter/);
    if (!existsSync('/dev/nvidiactl') && !existsSync('/proc/driver/nvidia/version')) assert.match(output, /- no NVIDIA driver .*; to fix: install the NVIDIA driver/);
    assert.match(output, /Missing for the WebGPU engine:\n {2}- .*; to fix: /);
  });
});
