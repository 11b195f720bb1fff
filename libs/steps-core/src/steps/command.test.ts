import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, lstat, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext as NodeTestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { outputsOf } from '@veriflow/step-api';
import type { GpuDevice } from '@veriflow/step-api';
import { createTestContext } from '../testing/test-context.js';
import type { TestContext } from '../testing/test-context.js';
import { ProcessGroup } from '../util/process-group.js';
import { command } from './command.js';
import type { CommandWith } from './command.js';
import { CommandFailedError } from './command-error.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test-fixtures/${name}.mjs`, import.meta.url));
const node = process.execPath;

async function setup(t: NodeTestContext, withValue: CommandWith, workflowDir?: string, gpus?: readonly GpuDevice[]): Promise<TestContext<CommandWith>> {
  const context = await createTestContext({ with: withValue, seed: 42, instance: { name: 'train[lr=0.1]' }, ...(workflowDir ? { workflowDir } : {}), ...(gpus ? { gpus } : {}) });
  t.after(() => context.cleanup());
  return context;
}

async function tempDir(t: NodeTestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-cmd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the step expecting failure and returns the error for closer inspection. */
async function failure(context: TestContext<CommandWith>): Promise<Error> {
  const error = await command.run(context.ctx).then(
    () => assert.fail('expected the command step to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error);
  return error;
}

async function commandFailure(context: TestContext<CommandWith>): Promise<CommandFailedError> {
  const error = await failure(context);
  assert.ok(error instanceof CommandFailedError, `expected CommandFailedError, got ${String(error)}`);
  return error;
}

describe('command: success', () => {
  it('moves a declared output file into place and logs stdout', async (t) => {
    const c = await setup(t, { run: [node, fixture('write-file'), 'out/model.txt', 'weights'], outputs: { model: 'out/model.txt' } });
    assert.deepEqual(await command.run(c.ctx), { exit_code: 0 });
    assert.equal(await readFile(c.ctx.outputPath('model'), 'utf8'), 'weights');
    assert.equal(await stat(join(c.workdir, 'out/model.txt')).catch(() => undefined), undefined, 'moved, not copied');
    assert.ok(c.logs.some((l) => l.level === 'info' && l.message === 'wrote out/model.txt'));
  });

  it('declares one artifact per output plus exit_code', () => {
    assert.deepEqual(outputsOf(command, { run: ['x'], outputs: { model: 'm.pt', log: 'l.txt' } }), {
      model: { kind: 'artifact' },
      log: { kind: 'artifact' },
      exit_code: { kind: 'number' },
    });
    assert.deepEqual(outputsOf(command, undefined), { exit_code: { kind: 'number' } });
  });

  it('copies, and leaves in place, an absolute output outside the work dir', async (t) => {
    const dir = await tempDir(t);
    const external = join(dir, 'shared.txt');
    const c = await setup(t, { run: [node, fixture('write-file'), external, 'kept'], outputs: { shared: external } });
    await command.run(c.ctx);
    assert.equal(await readFile(c.ctx.outputPath('shared'), 'utf8'), 'kept');
    assert.equal(await readFile(external, 'utf8'), 'kept');
  });

  it('follows a relative link inside the work dir (last.pt -> ckpt/epoch3.pt), also when its target is declared too', async (t) => {
    const script = 'mkdir ckpt && printf w3 > ckpt/epoch3.pt && ln -s ckpt/epoch3.pt last.pt';
    const c = await setup(t, { run: ['sh', '-c', script], outputs: { last: 'last.pt', epoch3: 'ckpt/epoch3.pt' } });
    await command.run(c.ctx);
    for (const name of ['last', 'epoch3']) {
      assert.ok((await lstat(c.ctx.outputPath(name))).isFile(), `${name} is stored as a file, not a link`);
      assert.equal(await readFile(c.ctx.outputPath(name), 'utf8'), 'w3');
    }
  });

  it('copies the file behind a link that leaves the work dir and leaves that file as it was', async (t) => {
    const outside = join(await tempDir(t), 'file');
    await writeFile(outside, 'outside');
    await chmod(outside, 0o664);
    const c = await setup(t, { run: ['ln', '-s', outside, 'out.bin'], outputs: { model: 'out.bin' } });
    await command.run(c.ctx);
    assert.ok((await lstat(c.ctx.outputPath('model'))).isFile());
    assert.equal(await readFile(c.ctx.outputPath('model'), 'utf8'), 'outside');
    assert.equal(await readFile(outside, 'utf8'), 'outside');
    assert.equal((await stat(outside)).mode & 0o777, 0o664);
  });

  it('passes env, VERIFLOW_* variables, the inherited environment and stdin', async (t) => {
    const c = await setup(t, { run: [node, fixture('dump-process'), 'dump.json'], env: { TEST_FOO: 'bar baz' }, stdin: 'fed\nin' });
    await command.run(c.ctx);
    const dump = JSON.parse(await readFile(join(c.workdir, 'dump.json'), 'utf8'));
    assert.equal(dump.env.TEST_FOO, 'bar baz');
    assert.equal(dump.env.VERIFLOW_WORKDIR, c.workdir);
    assert.equal(dump.env.VERIFLOW_SEED, '42');
    assert.equal(dump.env.VERIFLOW_INSTANCE, 'train[lr=0.1]');
    assert.equal(dump.hasPath, true);
    assert.equal(dump.stdin, 'fed\nin');
  });

  it('shows the program only the GPUs its instance holds, numbered as nvidia-smi does', async (t) => {
    const gpus = [{ index: 3, name: 'NVIDIA H100' }, { index: 1, name: 'NVIDIA H100' }];
    // A CUDA_VISIBLE_DEVICES in the inherited or the step's env must not widen what the instance holds.
    const held = await setup(t, { run: [node, fixture('dump-process'), 'dump.json'], env: { CUDA_VISIBLE_DEVICES: '0,1,2,3' } }, undefined, gpus);
    await command.run(held.ctx);
    const dump = JSON.parse(await readFile(join(held.workdir, 'dump.json'), 'utf8'));
    assert.equal(dump.env.CUDA_VISIBLE_DEVICES, '3,1');
    assert.equal(dump.env.CUDA_DEVICE_ORDER, 'PCI_BUS_ID');
  });

  it('hides every GPU from a program whose instance asked for none', async (t) => {
    const none = await setup(t, { run: [node, fixture('dump-process'), 'dump.json'] });
    await command.run(none.ctx);
    const dump = JSON.parse(await readFile(join(none.workdir, 'dump.json'), 'utf8'));
    assert.equal(dump.env.CUDA_VISIBLE_DEVICES, '');
  });

  it('passes argv verbatim: no shell expands, splits or runs anything', async (t) => {
    const tricky = ['a b', `"double" 'single'`, '$(rm -rf /)', '`id`', '*', '; echo hi', '$HOME', '', 'ünï\ncode'];
    const c = await setup(t, { run: [node, fixture('dump-process'), 'dump.json', ...tricky] });
    await command.run(c.ctx);
    const dump = JSON.parse(await readFile(join(c.workdir, 'dump.json'), 'utf8'));
    assert.deepEqual(dump.args, tricky);
  });

  it('turns the top-level keys of the values file into outputs', async (t) => {
    const values = JSON.stringify({ accuracy: 0.91, tag: 'best', per_class: [0.9, 0.92] });
    const c = await setup(t, { run: [node, fixture('write-file'), 'metrics/values.json', values], values: 'metrics/values.json' });
    assert.deepEqual(await command.run(c.ctx), { accuracy: 0.91, tag: 'best', per_class: [0.9, 0.92], exit_code: 0 });
  });

  it('resolves a relative cwd against the workflow directory', async (t) => {
    const workflowDir = await tempDir(t);
    const c = await setup(t, { run: [node, fixture('write-file'), 'here.txt', 'x'], cwd: '.' }, workflowDir);
    await command.run(c.ctx);
    assert.equal(await readFile(join(workflowDir, 'here.txt'), 'utf8'), 'x');
  });
});

describe('command: failures', () => {
  it('reports the exit code and the last 20 lines of stderr', async (t) => {
    const c = await setup(t, { run: [node, fixture('print-lines-then-fail'), '3', '30', '3'] });
    const error = await commandFailure(c);
    assert.equal(error.message.split('\n')[0], `command "${node} ${fixture('print-lines-then-fail')} 3 30 3" exited with code 3`);
    assert.equal(error.exitCode, 3);
    assert.equal(error.cancelled, false);
    assert.deepEqual(error.stderrTail, Array.from({ length: 20 }, (_, i) => `err ${i + 11}`));
    assert.match(error.message, /err 11\n[^]*err 30$/);
    assert.doesNotMatch(error.message, /err 10\n/);
    assert.equal(c.logs.filter((l) => l.level === 'warn').length, 30, 'every stderr line is logged');
    assert.equal(c.logs.filter((l) => l.level === 'info').length, 3);
  });

  it('shows stdout when the program wrote nothing to stderr', async (t) => {
    const c = await setup(t, { run: [node, fixture('print-lines-then-fail'), '5', '0', '2'] });
    const error = await commandFailure(c);
    assert.match(error.message, /exited with code 2\n--- last 5 line\(s\) of stdout \(stderr was empty\) ---\nout 1\n[^]*out 5$/);
  });

  it('reports a program killed by a signal', async (t) => {
    const c = await setup(t, { run: [node, fixture('exit-with-code'), 'SIGTERM'] });
    const error = await commandFailure(c);
    assert.match(error.message, /^command ".*" was killed by SIGTERM$/m);
    assert.equal(error.signal, 'SIGTERM');
    assert.equal(error.exitCode, undefined);
  });

  it('lists missing declared outputs and the files that do exist', async (t) => {
    const c = await setup(t, {
      run: [node, fixture('write-file'), 'logs/other.txt', 'x'],
      outputs: { model: 'model.pt', stats: 'sub/stats.json' },
    });
    const error = await failure(c);
    assert.match(error.message, /2 declared output\(s\) are not files/);
    assert.ok(error.message.includes(`model: ${join(c.workdir, 'model.pt')} is missing`), error.message);
    assert.ok(error.message.includes(`stats: ${join(c.workdir, 'sub/stats.json')} is missing`));
    assert.match(error.message, /Files in the work dir .*:\n {2}logs\/other\.txt$/);
  });

  it('names the target of a dangling link', async (t) => {
    const c = await setup(t, { run: ['ln', '-s', 'ckpt/gone.pt', 'last.pt'], outputs: { model: 'last.pt' } });
    const error = await failure(c);
    assert.ok(error.message.includes(`model: ${join(c.workdir, 'last.pt')} is a symbolic link to ckpt/gone.pt, which does not exist`), error.message);
  });

  it('hints when a relative output was written to cwd instead of the work dir', async (t) => {
    const cwd = await tempDir(t);
    const c = await setup(t, { run: [node, fixture('write-file'), 'model.pt', 'x'], cwd, outputs: { model: 'model.pt' } });
    const error = await failure(c);
    assert.ok(error.message.includes(`but ${join(cwd, 'model.pt')} exists`), error.message);
    assert.match(error.message, /\(empty\)$/);
  });

  it('rejects a values file that is missing, not an object, or reuses an output name', async (t) => {
    const missing = await setup(t, { run: [node, fixture('exit-with-code'), '0'], values: 'values.json' });
    assert.match((await failure(missing)).message, /values file .*values\.json was not written/);
    const array = await setup(t, { run: [node, fixture('write-file'), 'v.json', '[1]'], values: 'v.json' });
    assert.match((await failure(array)).message, /must hold a JSON object/);
    const clash = await setup(t, { run: [node, fixture('write-file'), 'v.json', '{"exit_code":1}'], values: 'v.json' });
    assert.match((await failure(clash)).message, /reuses output name\(s\) exit_code/);
  });

  it('kills the program quickly when cancelled and says so', async (t) => {
    const c = await setup(t, { run: [node, fixture('sleep-forever')] });
    const running = command.run(c.ctx).catch((e: unknown) => e);
    while (!c.logs.some((l) => l.message === 'ready')) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    c.abort(new Error('timeout after 5m'));
    const error = await running;
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    assert.ok(error instanceof CommandFailedError);
    assert.equal(error.cancelled, true);
    assert.match(error.message, /^command ".*sleep-forever\.mjs" was cancelled \(timeout after 5m\)$/m);
  });

  it('stops the program’s whole process group when cancelled, not only the program', async (t) => {
    const dir = await tempDir(t);
    const pidFile = join(dir, 'sleep.pid');
    // The sleep (its shell writes its pid, then becomes it) does not hold the step's pipes: only signalling
    // the group, not the outer shell, ends it.
    const c = await setup(t, { run: ['sh', '-c', `sh -c 'echo $$ > ${pidFile}; exec sleep 30' > /dev/null 2>&1; echo done`] });
    const running = command.run(c.ctx).catch((e: unknown) => e);
    while ((await readFile(pidFile, 'utf8').catch(() => '')).trim() === '') await new Promise((r) => setTimeout(r, 10));
    c.abort(new Error('timed out after 2.0s'));
    const error = await running;
    assert.ok(error instanceof CommandFailedError && error.cancelled, String(error));
    assert.equal(runs(Number(await readFile(pidFile, 'utf8'))), false, 'the sleep outlived the cancelled step');
  });

  it('stops processes a program left running when it exited, and says so', async (t) => {
    const dir = await tempDir(t);
    const pidFile = join(dir, 'group.pid');
    // The background sleep inherits stdout: left alone it would hold the step open for 30 s.
    const c = await setup(t, { run: ['sh', '-c', `echo $$ > ${pidFile}; sleep 30 & echo started`] });
    assert.deepEqual(await command.run(c.ctx), { exit_code: 0 });
    assert.equal(await groupRuns(pidFile), false, 'the background sleep outlived the step');
    assert.ok(c.logs.some((l) => l.level === 'warn' && /left processes of its group \(\d+\) running; stopping them/.test(l.message)), JSON.stringify(c.logs));
  });

  it('explains a program that is not installed, keeping the cause', async (t) => {
    const c = await setup(t, { run: ['veriflow-no-such-program', '--help'] });
    const error = await commandFailure(c);
    assert.match(error.message, /^command "veriflow-no-such-program --help" could not start: ENOENT .*is the program installed and on PATH\?$/m);
    assert.notEqual(error.cause, undefined);
  });

  it('names the missing file for a relative program path', async (t) => {
    const c = await setup(t, { run: ['./train.sh'] });
    assert.match((await commandFailure(c)).message, new RegExp(`ENOENT .*${join(c.workdir, 'train.sh')} does not exist`));
  });

  it('explains a file that is not executable', async (t) => {
    const dir = await tempDir(t);
    const script = join(dir, 'script.py');
    await writeFile(script, 'print(1)\n', { mode: 0o644 });
    const c = await setup(t, { run: [script] });
    assert.match((await commandFailure(c)).message, /could not start: EACCES .*interpreter\?/);
  });

  it('refuses a working directory that does not exist', async (t) => {
    const c = await setup(t, { run: [node, '-e', ''], cwd: '/nonexistent/veriflow/dir' });
    assert.match((await commandFailure(c)).message, /could not start: working directory \/nonexistent\/veriflow\/dir does not exist/);
  });
});

/** Whether `pid` runs: a zombie (dead, not yet reaped by whoever inherited it) does not. */
function runs(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^\S+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** Whether a process of the group whose leader wrote its pid to `pidFile` still runs. */
async function groupRuns(pidFile: string): Promise<boolean> {
  const group = new ProcessGroup(Number(await readFile(pidFile, 'utf8')));
  try {
    return await group.alive();
  } finally {
    group.release();
  }
}
