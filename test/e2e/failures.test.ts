import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

const FAILING = `
name: failing
steps:
  good:
    uses: core/sum
    with: { values: [1], delay_ms: 500 }
  bad:
    uses: command
    with:
      run: [node, -e, "console.error('first line'); console.error('the model diverged'); process.exit(3)"]
  after-bad:
    uses: core/sum
    needs: bad
    with: { values: [2] }
  independent:
    uses: core/sum
    needs: good
    with: { values: [3] }
`;

const FLAKY = `
name: flaky
steps:
  flaky:
    uses: command
    retries: 2
    with:
      run:
        - node
        - -e
        - |
          const fs = require('node:fs');
          const marker = process.argv[1];
          if (!fs.existsSync(marker)) { fs.writeFileSync(marker, 'tried'); console.error('transient failure'); process.exit(1); }
          console.log('ok on a later attempt');
        - \${{ env.MARKER }}
  hung:
    uses: command
    timeout: 1s
    continue-on-error: true
    with:
      run: [node, -e, "setTimeout(() => {}, 60000)"]
`;

describe('failures', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'failing.yaml': FAILING, 'flaky.yaml': FLAKY })));
  after(() => dispose());

  it('fail-fast: exit 1, the error names the exit code and the stderr tail, running work finishes, nothing new starts', async () => {
    const run = await runCli(['run', 'failing.yaml', '--jobs', '2'], dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ bad: command "node -e .*" exited with code 3/);
    assert.match(run.stdout, /the model diverged/);
    const statuses = statusesOf(await readResults(dir, 'failing'));
    assert.equal(statuses.good, 'succeeded');
    assert.equal(statuses.bad, 'failed');
    assert.equal(statuses['after-bad'], 'skipped');
    assert.equal(statuses.independent, 'skipped');
  });

  it('--keep-going: independent instances still run; dependents of the failure are skipped and named', async () => {
    const run = await runCli(['run', 'failing.yaml', '--jobs', '2', '--keep-going'], dir);
    assert.equal(run.code, 1);
    const statuses = statusesOf(await readResults(dir, 'failing'));
    assert.deepEqual(statuses, { good: 'cached', bad: 'failed', 'after-bad': 'skipped', independent: 'succeeded' });
    assert.match(run.stdout, /skipped 1 instance\(s\): after-bad \(skipped \(an upstream instance did not succeed\): bad\)/);
  });

  it('retries a failing command and times out a hung one without failing the run (continue-on-error)', async () => {
    const started = Date.now();
    const run = await runCli(['run', 'flaky.yaml'], dir, { MARKER: `${dir}/marker` });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(Date.now() - started < 15_000);
    const results = await readResults(dir, 'flaky');
    const flaky = results.instances.find((i) => i.name === 'flaky')!;
    assert.equal(flaky.status, 'succeeded');
    assert.equal(flaky.attempts, 2);
    const hung = results.instances.find((i) => i.name === 'hung')!;
    assert.equal(hung.status, 'failed');
    assert.match(hung.error ?? '', /timed out after 1\.0s/);
  });
});

const PARTIAL = `
name: partial
steps:
  work:
    uses: command
    matrix: { i: [1, 2, 3] }
    continue-on-error: true
    with:
      run: [node, -e, "if (process.argv[1] === '2') process.exit(4)", "\${{ matrix.i }}"]
  after:
    uses: core/sum
    with: { values: [1] }
    needs: work
  collect:
    uses: core/echo
    with: { message: "\${{ len(steps.work.instances) }} of 3 succeeded", value: "\${{ steps.work.instances }}" }
`;

describe('continue-on-error with fan-in', () => {
  it('a fan-in collects the instances that succeeded and the run succeeds', async () => {
    const { dir, dispose } = await workspace({ 'partial.yaml': PARTIAL });
    try {
      const run = await runCli(['run', 'partial.yaml'], dir);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const results = await readResults(dir, 'partial');
      const statuses = statusesOf(results);
      assert.equal(statuses['work[i=2]'], 'failed');
      assert.equal(statuses.collect, 'succeeded');
      assert.equal(statuses.after, 'succeeded');
      assert.equal(results.instances.find((i) => i.name === 'collect')!.values.message, '2 of 3 succeeded');
    } finally {
      await dispose();
    }
  });
});
