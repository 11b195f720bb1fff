import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MODEL_FORMAT, readModel } from './model-file.js';
import { PROBLEM_FORMAT, readProblem } from './problem-file.js';
import { readSynthesized } from './synthesized-file.js';

describe('JSON artifacts check their format tag', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'veriflow-artifact-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads an artifact with the expected tag', async () => {
    const path = join(dir, 'model.json');
    await writeFile(path, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w: [1, 2], trained_on: 5 }));
    assert.deepEqual((await readModel(path)).w, [1, 2]);
  });

  it('says which artifact it got when another step\'s output is wired in', async () => {
    const path = join(dir, 'problem.json');
    await writeFile(path, JSON.stringify({ format: PROBLEM_FORMAT, dim: 2, mu: [1, 0] }));
    await assert.rejects(readModel(path), (error: Error) => error.message.startsWith('model:') && error.message.includes(`"${MODEL_FORMAT}"`) && error.message.includes(`"${PROBLEM_FORMAT}"`));
  });

  it('says when a file is JSON but no gaussian artifact, or not JSON at all', async () => {
    const plain = join(dir, 'plain.json');
    await writeFile(plain, JSON.stringify({ hello: 1 }));
    await assert.rejects(readProblem(plain), /problem: .*not a veriflow gaussian artifact/);
    const binary = join(dir, 'binary');
    await writeFile(binary, Uint8Array.from([0x56, 0x46, 0x54, 0x31, 0, 0, 0, 0]));
    await assert.rejects(readSynthesized(binary), /synthesized data: cannot read .* as JSON/);
    await assert.rejects(readSynthesized(join(dir, 'missing.json')), /synthesized data: cannot read/);
  });
});
