import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { countBy, readResults, runCli, startCli, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

describe('user plugins', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => {
    ({ dir, dispose } = await workspace({}));
    await cp(join(root, 'test', 'fixtures', 'plugin'), dir, { recursive: true });
  });
  after(() => dispose());

  it('loads step kinds from a module next to the workflow and runs them', async () => {
    const run = await runCli(['run', 'uses-plugin.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    const results = await readResults(dir, 'uses-plugin');
    assert.deepEqual(Object.fromEntries(results.instances.map((i) => [i.name, i.values.scaled ?? i.values.total])), { base: 3, 'scaled[factor=2]': 6, 'scaled[factor=10]': 30 });
  });

  it('runs worker steps in threads: a busy loop that ignores its signal is still stopped by its timeout', async () => {
    const { dir: other, dispose: done } = await workspace({
      'spin.yaml': `
name: spin
plugins: [./my-steps.mjs]
steps:
  short:
    uses: team/spin
    with: { ms: 50 }
  stuck:
    uses: team/spin
    timeout: 1s
    continue-on-error: true
    with: {}
`,
    });
    try {
      await cp(join(root, 'test', 'fixtures', 'plugin', 'my-steps.mjs'), join(other, 'my-steps.mjs'));
      const started = Date.now();
      const run = await runCli(['run', 'spin.yaml', '--jobs', '2'], other);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(Date.now() - started < 20_000);
      const results = await readResults(other, 'spin');
      const byName = Object.fromEntries(results.instances.map((i) => [i.name, i]));
      assert.equal(byName.short!.status, 'succeeded');
      assert.ok((byName.short!.values.spins as number) > 0);
      assert.equal(byName.stuck!.status, 'failed');
      assert.match(byName.stuck!.error ?? '', /timed out after 1\.0s/);
    } finally {
      await done();
    }
  });

  it('reports a plugin that cannot be loaded at its line, with exit code 2', async () => {
    const text = (await readFile(join(dir, 'uses-plugin.yaml'), 'utf8')).replace('./my-steps.mjs', './missing.mjs');
    const { dir: other, dispose: done } = await workspace({ 'broken.yaml': text });
    try {
      const run = await runCli(['validate', 'broken.yaml'], other);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^broken\.yaml:2:11: plugin "\.\/missing\.mjs" could not be loaded: .*\[PLUGIN\]$/m);
    } finally {
      await done();
    }
  });
});

const SLOW = `
name: interruptible
steps:
  work:
    uses: core/sum
    matrix: { i: [1, 2, 3, 4, 5, 6, 7, 8] }
    with: { values: [\${{ matrix.i }}], delay_ms: 400 }
`;

describe('Ctrl-C', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'slow.yaml': SLOW })));
  after(() => dispose());

  it('cancels cleanly with exit code 130, keeps what finished, and the next run resumes', async () => {
    const started = startCli(['run', 'slow.yaml', '--jobs', '2'], dir);
    // Interrupt once two instances finished, not after a fixed time that a busy machine may not reach.
    let shown = '';
    started.child.stderr!.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    while ((shown.match(/ succeeded /g) ?? []).length < 2 && started.child.exitCode === null) await delay(20);
    started.child.kill('SIGINT');
    const interrupted = await started.done;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.match(interrupted.stderr, /SIGINT received, cancelling/);
    const first = countBy(await readResults(dir, 'interruptible'));
    assert.ok((first.succeeded ?? 0) >= 2, JSON.stringify(first));
    assert.ok((first.cancelled ?? 0) >= 1, JSON.stringify(first));

    const resumed = await runCli(['run', 'slow.yaml', '--jobs', '2'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    const second = countBy(await readResults(dir, 'interruptible'));
    assert.equal(second.cached, first.succeeded);
    assert.equal((second.cached ?? 0) + (second.succeeded ?? 0), 8);
  });
});
