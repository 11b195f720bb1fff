import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliResult } from '../support/cli.js';
import { countBy, readResults, runCli, startCli, workspace } from '../support/cli.js';

// Each execution appends its instance name to executions.log, so double work is visible.
const COUNTED = `
name: counted
steps:
  work:
    uses: command
    matrix: { i: [1, 2, 3, 4, 5, 6] }
    with:
      run:
        - node
        - -e
        - |
          const fs = require('node:fs');
          setTimeout(() => {
            fs.appendFileSync(process.argv[1], 'work-' + process.argv[2] + '\\n');
            fs.writeFileSync('out.txt', 'result ' + process.argv[2]);
          }, 200);
        - \${{ env.COUNTER_FILE }}
        - \${{ matrix.i }}
      outputs: { out: out.txt }
  gather:
    uses: core/echo
    with: { message: gathered, value: \${{ steps.work.instances }} }
`;

describe('two concurrent runs on one workspace', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'counted.yaml': COUNTED })));
  after(() => dispose());

  it('execute every instance exactly once between them and both succeed', async () => {
    const env = { COUNTER_FILE: join(dir, 'executions.log') };
    const first = startCli(['run', 'counted.yaml', '--jobs', '2'], dir, env);
    const second = startCli(['run', 'counted.yaml', '--jobs', '2'], dir, env);
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const executions = (await readFile(env.COUNTER_FILE, 'utf8')).trim().split('\n').sort();
    assert.deepEqual(executions, ['work-1', 'work-2', 'work-3', 'work-4', 'work-5', 'work-6']);

    const third = await runCli(['run', 'counted.yaml'], dir, env);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(countBy(await readResults(dir, 'counted')), { cached: 7 });
  });
});

const ONE = `
name: one
steps:
  work:
    uses: core/sum
    with: { values: [1, 2] }
`;

/** Plants a lock file on the instance's cache key, as a run killed on some host would leave it; returns its path. */
async function plantLock(dir: string, owner: Record<string, unknown>): Promise<string> {
  const plan = await runCli(['plan', 'one.yaml', '--json'], dir);
  assert.equal(plan.code, 0, plan.stderr);
  const [{ key }] = JSON.parse(plan.stdout) as [{ key: string }];
  const locks = join(dir, '.veriflow', 'locks', 'instances');
  await mkdir(locks, { recursive: true });
  const path = join(locks, `${key}.lock`);
  await writeFile(path, JSON.stringify({ createdAt: new Date().toISOString(), token: 'from-the-killed-run', label: 'run killed-earlier', ...owner }));
  return path;
}

/** The CLI's result, or a failure naming what it printed if it is still waiting after `ms`. */
async function runWithin(ms: number, args: string[], dir: string, onStart: (run: ReturnType<typeof startCli>) => void = () => undefined): Promise<CliResult> {
  const run = startCli(args, dir);
  onStart(run);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const result = await run.done;
  clearTimeout(timer);
  assert.notEqual(result.signal, 'SIGKILL', `still waiting after ${ms} ms:\n${result.stderr}`);
  return result;
}

describe('a run that finds a leftover instance lock', () => {
  const disposals: (() => Promise<void>)[] = [];
  after(() => Promise.all(disposals.map((dispose) => dispose())));
  const scratch = async (): Promise<string> => {
    const { dir, dispose } = await workspace({ 'one.yaml': ONE });
    disposals.push(dispose);
    return dir;
  };

  it('takes it over when its pid is alive but is another process now (a recycled pid)', async () => {
    const dir = await scratch();
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => stranger.once('spawn', resolve));
      // Taken since this machine booted, so only the start time shows that the pid was reused.
      await plantLock(dir, { pid: stranger.pid, host: hostname(), start: 'a-boot:1' });
      const result = await runWithin(20_000, ['run', 'one.yaml'], dir);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(countBy(await readResults(dir, 'one')), { succeeded: 1 });
      assert.deepEqual(await readdir(join(dir, '.veriflow', 'locks', 'instances')), []);
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('from another host: says whom it waits for, then takes it over once the heartbeat is silent for --lock-timeout', async () => {
    const dir = await scratch();
    const lockPath = await plantLock(dir, { pid: 4242, host: 'node-17.cluster', createdAt: '2026-01-02T03:04:05.000Z' });
    // The other host beats until the run has seen it alive and says it waits; then it falls silent.
    const beat = setInterval(() => void utimes(lockPath, new Date(), new Date()).catch(() => undefined), 100);
    const result = await runWithin(20_000, ['run', 'one.yaml', '--lock-timeout', '1s'], dir, (run) =>
      run.child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('waiting for the lock') && clearInterval(beat)),
    );
    clearInterval(beat);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /work \| waiting for the lock on work \(key [0-9a-f]{12}\): held by run killed-earlier \(pid 4242 on host node-17\.cluster since 2026-01-02T03:04:05\.000Z\); its last heartbeat was .* ago, taken over in .* unless it resumes \(--lock-timeout\)/);
    assert.match(result.stderr, /work \| took over the lock on work \(key [0-9a-f]{12}\) from run killed-earlier \(pid 4242 on host node-17\.cluster .*\): no heartbeat from host node-17\.cluster for [0-9.]+s \(the lock timeout is 1\.0s\)/);
  });
});
