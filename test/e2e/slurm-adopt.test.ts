import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { readResults, runCli, startCli, workspace } from '../support/cli.js';
import { liveJobsOf, runIdOf, slurmAvailability } from '../support/slurm.js';

const { skip } = slurmAvailability();
const SLURM = ['--executor', 'slurm'];
const FAST = { VERIFLOW_SLURM_POLL_MS: '200' };

/** Instances that append their `i` to starts.txt when they begin (so a test counts how often each ran), then sleep. */
const sleepers = (name: string, values: string, seconds: number): string => `
name: ${name}
steps:
  work:
    uses: command
    matrix: { i: ${values} }
    resources: { cpus: 1 }
    with:
      run: [sh, -c, 'echo "$1" >> "$2"; sleep ${seconds}; echo "{\\"i\\": $1}" > slot.json', sh, "\${{ matrix.i }}", "\${{ workflow.dir }}/${name}.starts"]
      values: slot.json
`;

/** One instance that appends to its starts file, then fails its first attempt (leaving a mark) and succeeds its second. */
const FAILS_ONCE = `
name: slurm-unwatched-failure
steps:
  once:
    uses: command
    retries: 1
    retry-backoff: 1s
    with:
      run: [sh, -c, 'echo 1 >> "$2"; sleep 3; if [ ! -e "$1" ]; then touch "$1"; exit 7; fi; echo "{\\"i\\": 1}" > slot.json', sh, "\${{ workflow.dir }}/unwatched.mark", "\${{ workflow.dir }}/slurm-unwatched-failure.starts"]
      values: slot.json
`;

/**
 * An sbatch that submits through the real one, then SIGKILLs the `veriflow run` that called it before it
 * reads the job id: the window between sbatch returning and the job record being written, made certain.
 */
function killingSbatch(dir: string): string {
  const real = execFileSync('sh', ['-c', 'command -v sbatch'], { encoding: 'utf8' }).trim();
  const bin = join(dir, 'killing-sbatch');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\nout=$('${real}' "$@") || exit $?\nkill -9 $PPID\necho "$out"\n`, { mode: 0o755 });
  return bin;
}

type Started = ReturnType<typeof startCli> & { runId: () => string | undefined };

function started(args: readonly string[], dir: string, env: NodeJS.ProcessEnv = {}): Started {
  const cli = startCli(args, dir, { ...FAST, ...env });
  let stderr = '';
  cli.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { ...cli, runId: () => /\(\d+ instances, run (\S+)\)/.exec(stderr)?.[1] };
}

/** Waits until the run has `running` jobs in state RUNNING (and `total` in squeue); returns the run id. */
async function untilRunning(cli: Started, running: number, total = running): Promise<string> {
  for (let tries = 0; tries < 300; tries++) {
    const id = cli.runId();
    const jobs = id ? liveJobsOf(id) : [];
    if (id && jobs.length >= total && jobs.filter((line) => line.endsWith('RUNNING')).length >= running) return id;
    await delay(100);
  }
  throw new Error(`the run did not get ${running} running jobs: ${cli.runId() ?? 'no run id'}`);
}

function startsOf(dir: string, name: string): string[] {
  return readFileSync(join(dir, `${name}.starts`), 'utf8').trim().split('\n').sort();
}

/** Every instance log of a run. */
function logsOf(dir: string, runId: string): string[] {
  const logs = join(dir, '.veriflow', 'runs', runId, 'logs');
  return readdirSync(logs).map((name) => readFileSync(join(logs, name), 'utf8'));
}

async function runStatus(dir: string, runId: string): Promise<string> {
  const shown = await runCli(['runs', 'show', runId, '--json'], dir);
  return (JSON.parse(shown.stdout) as { run: { status: string } }).run.status;
}

describe('Slurm jobs outlive their veriflow run: cancel, adopt, requeue', { skip }, () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => {
    ({ dir, dispose } = await workspace({
      'cancel.yaml': sleepers('slurm-cancel-cmd', '[1, 2]', 120),
      'orphans.yaml': sleepers('slurm-orphans', '[1, 2]', 120),
      'adopt.yaml': sleepers('slurm-adopt', '[1, 2, 3]', 4),
      'requeue.yaml': sleepers('slurm-requeue', '[1]', 5),
      'unwatched.yaml': FAILS_ONCE,
      'unrecorded.yaml': sleepers('slurm-unrecorded', '[1, 2]', 6),
      'unrecorded-cancel.yaml': sleepers('slurm-unrecorded-cancel', '[1, 2]', 120),
    }));
  });
  after(async () => dispose?.());

  it('veriflow cancel stops a live run (which scancels its jobs), then says it has finished; an unknown run is a usage error', async () => {
    const cli = started(['run', 'cancel.yaml', ...SLURM], dir);
    const runId = await untilRunning(cli, 1);
    const cancel = await runCli(['cancel', 'latest'], dir);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stderr, new RegExp(`sent SIGINT to veriflow run \\(pid \\d+\\)[\\s\\S]*run ${runId} cancelled; none of its jobs is left in squeue`));
    assert.equal((await cli.done).code, 130);
    assert.deepEqual(liveJobsOf(runId), []);
    assert.equal(await runStatus(dir, runId), 'cancelled');

    const again = await runCli(['cancel', runId], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`run ${runId} has already finished \\(cancelled at .*\\); nothing to cancel`));
    const unknown = await runCli(['cancel', 'no-such-run'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run matches "no-such-run"/);
  });

  it('veriflow cancel on a SIGKILLed run scancels the jobs it left and records the run as cancelled', async () => {
    const cli = started(['run', 'orphans.yaml', ...SLURM], dir);
    const runId = await untilRunning(cli, 2);
    cli.child.kill('SIGKILL');
    await cli.done;
    // A killed submitter leaves its jobs running.
    assert.equal(liveJobsOf(runId).length, 2);
    const cancel = await runCli(['cancel', runId], dir);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stderr, /scancel ended its Slurm jobs \d+_\d+, \d+_\d+; none is left in squeue/);
    assert.deepEqual(liveJobsOf(runId), []);
    assert.equal(await runStatus(dir, runId), 'cancelled');
    const nothing = await runCli(['cancel', runId], dir);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /has already finished \(cancelled/);
  });

  it('a re-run after SIGKILL adopts the jobs the killed run left: every instance runs exactly once', async () => {
    const first = started(['run', 'adopt.yaml', ...SLURM], dir);
    // Two run on the two CPUs, the third waits in the queue.
    const killed = await untilRunning(first, 2, 3);
    first.child.kill('SIGKILL');
    await first.done;
    const again = await runCli(['run', 'adopt.yaml', ...SLURM], dir, FAST);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(startsOf(dir, 'slurm-adopt'), ['1', '2', '3']);
    const results = (await readResults(dir, 'slurm-adopt')).instances;
    assert.deepEqual(results.map((instance) => instance.values.i).sort(), [1, 2, 3]);
    assert.ok(results.every((instance) => instance.status === 'succeeded' || instance.status === 'cached'), JSON.stringify(results));
    const logs = logsOf(dir, /\(\d+ instances, run (\S+)\)/.exec(again.stderr)![1]!);
    const adopted = logs.filter((log) => log.includes('adopting'));
    // Those still queued or running were adopted; any that ended meanwhile were cache hits (the job recorded them).
    assert.equal(adopted.length, results.filter((instance) => instance.status === 'succeeded').length);
    assert.ok(adopted.length > 0, 'no job was still running to adopt');
    for (const log of adopted) {
      assert.match(log, new RegExp(`adopting slurm job \\d+_\\d+ \\(attempt 1 of run ${killed}`));
      assert.doesNotMatch(log, /submitted/);
    }
    assert.deepEqual(liveJobsOf(killed), []);
  });

  it('a job that failed while no run watched it is the first attempt of the re-run that adopts it, retried per `retries`', async () => {
    const first = started(['run', 'unwatched.yaml', ...SLURM], dir);
    const killed = await untilRunning(first, 1);
    first.child.kill('SIGKILL');
    await first.done;
    for (let tries = 0; tries < 300 && liveJobsOf(killed).length > 0; tries++) await delay(100);
    assert.deepEqual(liveJobsOf(killed), [], 'the job did not end by itself');
    const again = await runCli(['run', 'unwatched.yaml', ...SLURM], dir, FAST);
    assert.equal(again.code, 0, again.stderr);
    const [instance] = (await readResults(dir, 'slurm-unwatched-failure')).instances;
    assert.equal(instance?.status, 'succeeded');
    assert.equal(instance?.attempts, 2);
    // Two runs of the step in all: the killed run's failed job, and the re-run's retry.
    assert.deepEqual(startsOf(dir, 'slurm-unwatched-failure'), ['1', '1']);
    const [log = ''] = logsOf(dir, runIdOf(again.stderr));
    assert.match(log, new RegExp(`adopting slurm job \\d+ \\(attempt 1 of run ${killed}[\\s\\S]*attempt 1/2 failed: .*code 7[\\s\\S]*attempt 2 of once`));
    assert.equal([...log.matchAll(/slurm job \d+ submitted/g)].length, 1, log);
  });

  it('a run SIGKILLed between sbatch and recording the job leaves jobs a re-run finds in squeue by their comment and adopts', async () => {
    const first = started(['run', 'unrecorded.yaml', ...SLURM], dir, { PATH: `${killingSbatch(dir)}:${process.env.PATH ?? ''}` });
    const done = await first.done;
    assert.equal(done.signal, 'SIGKILL', done.stderr);
    const killed = first.runId();
    assert.ok(killed, done.stderr);
    // Killed inside the window: what it recorded names no job id, only the submission its jobs' comment carries.
    const jobsDir = join(dir, '.veriflow', 'jobs');
    const recorded = readdirSync(jobsDir).map((name) => JSON.parse(readFileSync(join(jobsDir, name), 'utf8')) as { jobId?: string; submission: string; runId: string });
    assert.equal(recorded.filter((record) => record.runId === killed).length, 2, JSON.stringify(recorded));
    assert.ok(recorded.every((record) => record.jobId === undefined), JSON.stringify(recorded));
    assert.equal(liveJobsOf(killed).length, 2, 'the array job did not reach squeue');

    const again = await runCli(['run', 'unrecorded.yaml', ...SLURM], dir, FAST);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(startsOf(dir, 'slurm-unrecorded'), ['1', '2']);
    // Those still running were adopted; one that ended meanwhile is a cache hit (its job recorded it).
    const adopted = logsOf(dir, runIdOf(again.stderr)).filter((log) => log.includes('adopting'));
    assert.ok(adopted.length > 0, 'no job was still running to adopt');
    for (const log of adopted) {
      assert.match(log, new RegExp(`adopting slurm job \\d+_\\d \\(attempt 1 of run ${killed}, killed before it recorded the job, found in squeue by its comment\\)`));
      assert.doesNotMatch(log, /submitted/);
    }
    assert.deepEqual(liveJobsOf(killed), []);
    assert.deepEqual(readdirSync(jobsDir), []);
  });

  it('veriflow cancel finds the jobs of a run killed between sbatch and recording them, and scancels them', async () => {
    const first = started(['run', 'unrecorded-cancel.yaml', ...SLURM], dir, { PATH: `${killingSbatch(join(dir, 'cancel-bin'))}:${process.env.PATH ?? ''}` });
    assert.equal((await first.done).signal, 'SIGKILL');
    const killed = first.runId()!;
    assert.equal(liveJobsOf(killed).length, 2);
    const cancel = await runCli(['cancel', killed], dir);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stderr, /scancel ended its Slurm jobs \d+_\d, \d+_\d; none is left in squeue/);
    assert.deepEqual(liveJobsOf(killed), []);
  });

  it('a requeued job is followed as the same attempt: it runs twice as one job, and the instance succeeds once', async () => {
    const cli = started(['run', 'requeue.yaml', ...SLURM], dir);
    const runId = await untilRunning(cli, 1);
    const jobId = liveJobsOf(runId)[0]!.split(' ')[0]!;
    // Requeued once its step has begun (Node.js takes a moment to start on the node), so it begins twice.
    for (let tries = 0; tries < 100 && !existsSync(join(dir, 'slurm-requeue.starts')); tries++) await delay(100);
    execFileSync('scontrol', ['requeue', jobId]);
    // Slurm holds a requeued job for about two minutes (BeginTime, AuthInfo=cred_expire); the test need not wait,
    // but not start it at once either: slurmd refuses to launch it within the second its credential was revoked.
    for (let tries = 0; tries < 100 && !liveJobsOf(runId).some((line) => line.endsWith('PENDING')); tries++) await delay(100);
    execFileSync('scontrol', ['update', `jobid=${jobId}`, 'starttime=now+2']);
    const done = await cli.done;
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(startsOf(dir, 'slurm-requeue'), ['1', '1']);
    const [instance] = (await readResults(dir, 'slurm-requeue')).instances;
    assert.equal(instance?.status, 'succeeded');
    assert.equal(instance?.attempts, 1);
    const [log = ''] = logsOf(dir, runId);
    assert.match(log, new RegExp(`slurm job ${jobId} was requeued \\(restart 1`));
    assert.equal([...log.matchAll(/slurm job \d+ submitted/g)].length, 1, log);
  });
});
