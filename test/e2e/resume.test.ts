import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { countBy, readResults, runCli, startCli, workspace } from '../support/cli.js';

// Ten slow instances and ten that depend on them, so a kill lands with some finished, some running
// and some not started.
const SLOW = `
name: slow
params: { pause: 150 }
steps:
  work:
    uses: core/sum
    matrix: { i: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }
    with: { values: [\${{ matrix.i }}, 100], delay_ms: \${{ params.pause }} }
  twice:
    uses: core/sum
    with: { values: [\${{ steps.work.outputs.total }}, \${{ steps.work.outputs.total }}], delay_ms: \${{ params.pause }} }
  collect:
    uses: core/echo
    with: { message: collected, value: \${{ steps.twice.instances }} }
`;

// Keys cover inputs and parameters; totals are the numbers. Artifact paths differ between workspaces.
type Outputs = Record<string, { key?: string; total: unknown }>;

function outputsOf(results: Awaited<ReturnType<typeof readResults>>): Outputs {
  return Object.fromEntries(results.instances.map((i) => [i.name, { key: i.key, total: i.values.total }]));
}

describe('resume after SIGKILL', () => {
  let reference: Outputs;
  const dirs: (() => Promise<void>)[] = [];
  before(async () => {
    const { dir, dispose } = await workspace({ 'slow.yaml': SLOW });
    dirs.push(dispose);
    const run = await runCli(['run', 'slow.yaml', '--jobs', '2'], dir);
    assert.equal(run.code, 0, run.stderr);
    reference = outputsOf(await readResults(dir, 'slow'));
  });
  after(async () => Promise.all(dirs.map((dispose) => dispose())));

  // The work takes at least 1.5 s of fixed sleeps after start-up, so every kill lands mid-run: one right after
  // the first instance finished (so some work is certainly kept and some certainly redone), one at a random time.
  const kills: { label: string; afterFirstSuccess: boolean; ms?: number }[] = [
    { label: 'right after the first instance finished', afterFirstSuccess: true },
    ...[250 + Math.floor(Math.random() * 600)].map((ms) => ({ label: `after ${ms}ms`, afterFirstSuccess: false, ms })),
  ];
  for (const kill of kills) {
    it(`re-executes only unfinished instances when killed ${kill.label}, with the same results`, async () => {
      const { dir, dispose } = await workspace({ 'slow.yaml': SLOW });
      dirs.push(dispose);
      const killed = startCli(['run', 'slow.yaml', '--jobs', '2'], dir);
      if (kill.afterFirstSuccess) {
        await new Promise<void>((resolveKill) => killed.child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes(' succeeded ') && resolveKill()));
      } else {
        await delay(kill.ms!);
      }
      killed.child.kill('SIGKILL');
      const interrupted = await killed.done;
      assert.equal(interrupted.signal, 'SIGKILL');
      const finishedBeforeKill = (interrupted.stderr.match(/ succeeded /g) ?? []).length;

      const resumed = await runCli(['run', 'slow.yaml', '--jobs', '2'], dir);
      assert.equal(resumed.code, 0, resumed.stderr);
      const results = await readResults(dir, 'slow');
      const counts = countBy(results);
      assert.equal((counts.cached ?? 0) + (counts.succeeded ?? 0), 21);
      assert.ok((counts.cached ?? 0) >= finishedBeforeKill, `${finishedBeforeKill} finished before the kill but only ${counts.cached ?? 0} were cached`);
      if (kill.afterFirstSuccess) {
        assert.ok(finishedBeforeKill >= 1 && (counts.succeeded ?? 0) >= 1, `kept ${counts.cached ?? 0}, re-executed ${counts.succeeded ?? 0}`);
      }
      assert.deepEqual(outputsOf(results), reference);

      // The killed run's locks and incomplete markers are gone with the work they guarded.
      assert.deepEqual(await readdir(join(dir, '.veriflow', 'locks', 'instances')), []);
      assert.deepEqual(await readdir(join(dir, '.veriflow', 'incomplete')), []);

      const again = await runCli(['run', 'slow.yaml'], dir);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(countBy(await readResults(dir, 'slow')), { cached: 21 });
    });
  }
});

const FAILS = `
name: fails
steps:
  bad:
    uses: command
    with:
      run: [node, -e, "console.error('out of memory'); process.exit(3)"]
      outputs: { out: out.txt }
`;

describe('plan after a run', () => {
  it('says an instance that failed by itself failed, with its error, instead of "interrupted"', async () => {
    const { dir, dispose } = await workspace({ 'fails.yaml': FAILS });
    try {
      const failed = await runCli(['run', 'fails.yaml'], dir);
      assert.equal(failed.code, 1, failed.stderr);
      const runId = /run (\d{8}-\d{6}-[0-9a-f]{6})\)/.exec(failed.stderr)?.[1];
      assert.ok(runId, failed.stderr);
      const plan = await runCli(['plan', 'fails.yaml'], dir);
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(plan.stdout, new RegExp(`^bad\\s+run\\s+failed in run ${runId}: .*exit(ed with)? code 3`, 'm'));
      assert.doesNotMatch(plan.stdout, /interrupted/);
    } finally {
      await dispose();
    }
  });
});
