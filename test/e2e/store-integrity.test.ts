import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

const objectPath = (dir: string, content: string): string => {
  const hex = createHash('sha256').update(content).digest('hex');
  return join(dir, '.veriflow', 'objects', hex.slice(0, 2), hex.slice(2));
};

const TWO_STEPS = `
name: integrity
steps:
  make:
    uses: command
    with:
      run: [sh, -c, "printf 'weights v1' > model.bin"]
      outputs: { model: model.bin }
  use:
    uses: command
    with:
      run: [sh, -c, 'cat "$0" > copy.bin', "\${{ steps.make.outputs.model }}"]
      outputs: { copy: copy.bin }
`;

/** Edits a stored object in place to the same size and puts its mtime back: only its ctime tells. */
async function tamper(path: string): Promise<void> {
  const before = await stat(path);
  await chmod(path, 0o644);
  await writeFile(path, 'weights v2');
  await utimes(path, before.atime, before.mtime);
}

describe('store integrity', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'wf.yaml': TWO_STEPS })));
  after(() => dispose());

  it('an object edited in place is not served: plan says why, and the run recomputes it', async () => {
    assert.equal((await runCli(['run', 'wf.yaml'], dir)).code, 0);
    const model = objectPath(dir, 'weights v1');
    await tamper(model);

    const plan = await runCli(['plan', 'wf.yaml'], dir);
    assert.match(plan.stdout, /make\s+run\s+outputs corrupted: model digest mismatch \(its 10 bytes hash to sha256:/);
    const run = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(statusesOf(await readResults(dir, 'integrity')), { make: 'succeeded', use: 'cached' });
    assert.equal(await readFile(model, 'utf8'), 'weights v1', 'the good bytes replaced the edited copy');
  });

  it('veriflow verify re-hashes every object, names the instances using a corrupt one, and --repair removes it', async () => {
    assert.equal((await runCli(['verify'], dir)).code, 0);
    await tamper(objectPath(dir, 'weights v1'));

    const found = await runCli(['verify'], dir);
    assert.equal(found.code, 1, found.stdout);
    assert.match(found.stdout, /corrupt object sha256:[0-9a-f]{64}: digest mismatch .*; used by make \(output model\), use \(output copy\)/);
    assert.match(found.stdout, /1 problem\(s\) found; `veriflow verify --repair`/);

    const repaired = await runCli(['verify', '--repair', '--json'], dir);
    assert.equal(repaired.code, 0, repaired.stdout);
    const report = JSON.parse(repaired.stdout) as { corrupt: { removed: boolean }[]; objects: number };
    assert.deepEqual(report.corrupt.map((object) => object.removed), [true]);

    const missing = await runCli(['verify'], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /missing object sha256:[0-9a-f]{64}: used by make \(output model\), use \(output copy\); the next run recomputes it/);
    assert.match((await runCli(['plan', 'wf.yaml'], dir)).stdout, /make\s+run\s+outputs missing: output "model"/);
    assert.equal((await runCli(['run', 'wf.yaml'], dir)).code, 0);
    const clean = await runCli(['verify'], dir);
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /re-hashed 1 object\(s\) and read 2 cache record\(s\) in .*\n✓ the store is intact\n$/);
  });
});

describe('a command output that is a link to a file outside the workspace', () => {
  let outsideDir: string;
  before(async () => (outsideDir = await mkdtemp(join(tmpdir(), 'veriflow-outside-'))));
  after(() => rm(outsideDir, { recursive: true, force: true }));

  it('is stored as a copy: the outside file keeps its mode, and editing it later does not change the cache', async () => {
    const outside = join(outsideDir, 'file');
    await writeFile(outside, 'outside v1');
    await chmod(outside, 0o664);
    const { dir, dispose } = await workspace({
      'wf.yaml': `name: linked\nsteps:\n  make:\n    uses: command\n    with:\n      run: [ln, -s, ${JSON.stringify(outside)}, out.bin]\n      outputs: { model: out.bin }\n`,
    });
    try {
      const run = await runCli(['run', 'wf.yaml'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.equal((await stat(outside)).mode & 0o777, 0o664);
      const object = objectPath(dir, 'outside v1');
      assert.ok((await lstat(object)).isFile(), 'the object is a copy, not a link');

      await writeFile(outside, 'outside v2');
      assert.equal(await readFile(object, 'utf8'), 'outside v1');
      assert.equal((await runCli(['verify'], dir)).code, 0);
    } finally {
      await dispose();
    }
  });
});
