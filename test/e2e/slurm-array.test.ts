import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, workspace } from '../support/cli.js';
import { essence, runIdOf, slurmAvailability } from '../support/slurm.js';

const { skip } = slurmAvailability();
const SLURM = ['--executor', 'slurm'];
const FAST = { VERIFLOW_SLURM_POLL_MS: '200' };

/** Four instances of one step that print and output their `i`; `i = 3` fails its first attempt (leaving a mark) when `flaky`. */
const sweep = (name: string, executor: string, flaky: boolean): string => `
name: ${name}
${executor}
steps:
  square:
    uses: command
    matrix: { i: [1, 2, 3, 4] }
    retries: 1
    retry-backoff: 1s
    with:
      run: [sh, -c, '${flaky ? `if [ "$1" = 3 ] && [ ! -e "$2" ]; then touch "$2"; echo "task $1 gives up" >&2; exit 5; fi; ` : ''}echo "task $1 on $SLURM_JOB_ID"; echo "{\\"square\\": $(($1 * $1))}" > out.json', sh, "\${{ matrix.i }}"${flaky ? `, "\${{ workflow.dir }}/${name}.mark"` : ''}]
      values: out.json
`;

/** Instance name (as its log names it) → that instance's log. */
function logsOf(dir: string, runId: string): Map<string, string> {
  const logs = join(dir, '.veriflow', 'runs', runId, 'logs');
  const texts = readdirSync(logs).map((name) => readFileSync(join(logs, name), 'utf8'));
  return new Map(texts.map((text) => [/attempt 1 of (\S+) \(/.exec(text)?.[1] ?? text, text]));
}

/** The jobs an instance's log says it submitted: `4242_1` as array task, `4243` alone. */
function submittedJobs(log: string): string[] {
  return [...log.matchAll(/slurm job (\S+) submitted/g)].map((match) => match[1]!);
}

describe('Slurm job arrays: ready instances of one step share one sbatch --array job', { skip }, () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => {
    ({ dir, dispose } = await workspace({
      'sweep.yaml': sweep('slurm-array', '', false),
      'flaky.yaml': sweep('slurm-array-flaky', '', true),
      'off.yaml': sweep('slurm-array-off', 'executor: { kind: slurm, array: "off" }', false),
    }));
  });
  after(async () => dispose?.());

  it('runs a matrix step as one array job whose tasks write into their own instance logs, with the local executor\'s keys and values', async () => {
    const local = await workspace({ 'sweep.yaml': sweep('slurm-array', '', false) });
    try {
      const onHost = await runCli(['run', 'sweep.yaml'], local.dir);
      assert.equal(onHost.code, 0, onHost.stderr);
      const run = await runCli(['run', 'sweep.yaml', ...SLURM], dir, FAST);
      assert.equal(run.code, 0, run.stderr);
      const got = (await readResults(dir, 'slurm-array')).instances;
      assert.equal(got.length, 4);
      assert.deepEqual(essence(got), essence((await readResults(local.dir, 'slurm-array')).instances));
      assert.deepEqual(got.map((instance) => instance.values.square).sort(), [1, 16, 4, 9]);

      const logs = logsOf(dir, runIdOf(run.stderr));
      const jobs = [...logs.values()].flatMap(submittedJobs);
      assert.equal(jobs.length, 4, [...logs.values()].join('\n'));
      const arrays = new Set(jobs.map((job) => job.split('_')[0]));
      assert.equal(arrays.size, 1, `not one array job: ${jobs.join(', ')}`);
      assert.deepEqual(jobs.map((job) => job.split('_')[1]).sort(), ['0', '1', '2', '3']);
      for (let i = 1; i <= 4; i++) {
        // What the task printed landed in its own instance's log, not a neighbour's.
        const log = logs.get(`square[i=${i}]`) ?? '';
        assert.match(log, new RegExp(`task ${i} on \\d+`), log);
        assert.doesNotMatch(log, new RegExp(`task [^${i}] on`), log);
        assert.match(log, /slurm job \d+_\d RUNNING|slurm job \d+_\d (COMPLETED|COMPLETING)/, log);
      }
      // The array's script and links are gone with its tasks.
      assert.equal(existsSync(join(dir, '.veriflow', 'tmp', runIdOf(run.stderr))), false, 'the run leaves no scratch behind');
    } finally {
      await local.dispose();
    }
  });

  it('retries a failed array task alone, as a job of its own; its siblings run once', async () => {
    const run = await runCli(['run', 'flaky.yaml', ...SLURM], dir, FAST);
    assert.equal(run.code, 0, run.stderr);
    const results = new Map((await readResults(dir, 'slurm-array-flaky')).instances.map((instance) => [instance.name, instance]));
    assert.deepEqual([...results.values()].map((instance) => [instance.status, instance.attempts]), [['succeeded', 1], ['succeeded', 1], ['succeeded', 2], ['succeeded', 1]]);
    const logs = logsOf(dir, runIdOf(run.stderr));
    const flaky = logs.get('square[i=3]') ?? '';
    const [first, retry, ...more] = submittedJobs(flaky);
    assert.match(first ?? '', /^\d+_\d$/, flaky);
    assert.match(retry ?? '', /^\d+$/, `the retry was not a job of its own: ${flaky}`);
    assert.deepEqual(more, []);
    assert.match(flaky, /task 3 gives up/);
    for (const i of [1, 2, 4]) assert.deepEqual(submittedJobs(logs.get(`square[i=${i}]`) ?? '').map((job) => job.split('_')[0]), [first!.split('_')[0]]);
  });

  it('submits one job per instance under executor.array: off', async () => {
    // The same instances as sweep.yaml's, cached by the first test: forced, so they run again.
    const run = await runCli(['run', 'off.yaml', '--force', ...SLURM], dir, FAST);
    assert.equal(run.code, 0, run.stderr);
    const jobs = [...logsOf(dir, runIdOf(run.stderr)).values()].flatMap(submittedJobs);
    assert.equal(jobs.length, 4);
    assert.ok(jobs.every((job) => /^\d+$/.test(job)), jobs.join(', '));
    assert.equal(new Set(jobs).size, 4);
  });
});
