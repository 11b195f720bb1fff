import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { readResults, runCli, startCli, workspace } from '../support/cli.js';

// The program is a shell whose child (`exec sleep`, so the pid it writes is the sleeping process) outlives
// a signal sent to the shell alone: only stopping the whole process group ends it.
const SLEEPER = `sh -c 'echo $$ > "$PIDFILE"; exec sleep 37.5'; echo done`;
const SLEEP_MS = 37_500;

const workflow = (name: string, script: string): string => `
name: ${name}
steps:
  train:
    uses: command
    timeout: 2s
    with:
      run: [sh, -c, ${JSON.stringify(script)}]
`;

/** Whether `pid` still runs; a zombie (dead, not yet reaped by whoever inherited it) does not. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : undefined;
  return stat === undefined ? process.platform !== 'linux' : !/^\S+ \(.*\) [ZX] /.test(stat);
}

function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  assert.ok(Number.isInteger(pid) && pid > 0, `${file} holds no pid`);
  return pid;
}

describe('stopping a command step stops every process it started', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  const pids: number[] = [];
  before(async () => {
    ({ dir, dispose } = await workspace({
      'timeout.yaml': workflow('timeout', SLEEPER),
      // `trap '' TERM` is inherited: the shell and the sleep both ignore SIGTERM, so only SIGKILL stops them.
      'stubborn.yaml': workflow('stubborn', `trap '' TERM; ${SLEEPER}`),
      'interrupt.yaml': workflow('interrupt', SLEEPER).replace('timeout: 2s', 'timeout: 5m'),
    }));
  });
  after(async () => {
    for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await dispose();
  });

  /** Runs `name.yaml`, whose step times out; returns how long the CLI took and the sleep's pid. */
  async function runTimedOut(name: string): Promise<{ elapsed: number; pid: number }> {
    const pidFile = join(dir, `${name}.pid`);
    const started = Date.now();
    const run = await runCli(['run', `${name}.yaml`], dir, { PIDFILE: pidFile });
    const elapsed = Date.now() - started;
    const pid = readPid(pidFile);
    pids.push(pid);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const [train] = (await readResults(dir, name)).instances;
    assert.match(train?.error ?? '', /timed out after 2\.0s/);
    return { elapsed, pid };
  }

  it('a timeout stops the grandchild and the CLI returns long before it would have ended', async () => {
    const { elapsed, pid } = await runTimedOut('timeout');
    assert.equal(isRunning(pid), false, `the sleep (pid ${pid}) still runs after the CLI exited`);
    assert.ok(elapsed < SLEEP_MS / 2, `the CLI took ${elapsed} ms: it waited for the orphaned sleep`);
  });

  it('a program that ignores SIGTERM is killed after the grace period', async () => {
    const { elapsed, pid } = await runTimedOut('stubborn');
    assert.equal(isRunning(pid), false, `the sleep (pid ${pid}) ignoring SIGTERM still runs after the CLI exited`);
    assert.ok(elapsed < SLEEP_MS / 2, `the CLI took ${elapsed} ms: it waited for the sleep instead of killing it`);
  });

  it('Ctrl-C stops the grandchild and the CLI exits with 130 at once', async () => {
    const pidFile = join(dir, 'interrupt.pid');
    const started = Date.now();
    const cli = startCli(['run', 'interrupt.yaml'], dir, { PIDFILE: pidFile });
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') await delay(50);
    const pid = readPid(pidFile);
    pids.push(pid);
    cli.child.kill('SIGINT');
    const run = await cli.done;
    const elapsed = Date.now() - started;
    assert.equal(run.code, 130, run.stdout + run.stderr);
    assert.equal(isRunning(pid), false, `the sleep (pid ${pid}) still runs after Ctrl-C`);
    assert.ok(elapsed < SLEEP_MS / 2, `the CLI took ${elapsed} ms to exit after Ctrl-C`);
    const [train] = (await readResults(dir, 'interrupt')).instances;
    assert.equal(train?.status, 'cancelled');
  });
});
