import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { CLI, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const ci = join(root, 'docs', 'ci');

// A workflow of a second: its claim holds by default, fails under `broken`, and `moved` shifts every
// total by 0.5 while the claim still holds (only a baseline notices).
const WORKFLOW = `name: tiny-ci
params: { least: 4, offset: 0 }
presets:
  broken: { params: { least: 100 } }
  moved: { params: { offset: 0.5 } }
steps:
  base: { uses: core/sum, with: { values: [1, 2] } }
  scaled:
    uses: core/sum
    matrix: { factor: [1, 2] }
    with: { values: ["\${{ steps.base.outputs.total }}", "\${{ matrix.factor }}", "\${{ params.offset }}"] }
expect:
  least-total:
    that: \${{ min(map(steps.scaled.instances, 'outputs.total')) >= params.least }}
`;

interface ActionsStep {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, string>;
}

interface ActionsWorkflow {
  readonly on: { readonly schedule: { cron: string }[]; readonly workflow_dispatch: unknown };
  readonly jobs: Record<string, { readonly env: Record<string, string>; readonly steps: ActionsStep[] }>;
}

/** What a job's run lines did, as GitHub runs them: in order, skipping the rest after a failure unless `if: always()`. */
interface JobOutcome {
  readonly code: number;
  /** Exit code of each step that ran, by name (or its first run line). */
  readonly steps: Record<string, number>;
  readonly output: string;
}

const GITHUB_DEFAULT_SHELL = ['--noprofile', '--norc', '-eo', 'pipefail', '-c'];
// Installing is what this checkout already did (npm ci, npm run build); every other run line runs as written.
const SETUP_STEP = 'Install and build';

function runJob(job: ActionsWorkflow['jobs'][string], dir: string, env: Record<string, string>): JobOutcome {
  // Values GitHub fills in from the matrix and inputs (`${{ }}`) come from `env` instead.
  const jobEnv = Object.fromEntries(Object.entries(job.env).filter(([, value]) => !String(value).includes('${{')));
  const githubEnv = join(dir, 'github-env');
  const steps: Record<string, number> = {};
  let code = 0;
  let output = '';
  for (const step of job.steps) {
    if (step.run === undefined || step.name === SETUP_STEP) continue;
    if (code !== 0 && !step.if?.includes('always()')) continue;
    const result = spawnSync('bash', [...GITHUB_DEFAULT_SHELL, step.run], {
      cwd: dir,
      env: { ...process.env, ...jobEnv, VERIFLOW: `${process.execPath} ${CLI}`, GITHUB_WORKSPACE: root, GITHUB_ENV: githubEnv, ...env },
      encoding: 'utf8',
    });
    steps[step.name ?? step.run.split('\n')[0]!] = result.status ?? -1;
    output += result.stdout + result.stderr;
    if (result.status !== 0 && code === 0) code = result.status ?? 1;
  }
  return { code, steps, output };
}

const exists = async (dir: string, path: string): Promise<boolean> => (await readdir(join(dir, path)).then(() => true).catch(() => false)) || (await readFile(join(dir, path)).then(() => true).catch(() => false));

describe('docs/ci: the scheduled regression, run locally', () => {
  let actions: ActionsWorkflow;
  let job: ActionsWorkflow['jobs'][string];
  let ws: { dir: string; dispose: () => Promise<void> };
  before(async () => {
    actions = parse(await readFile(join(ci, 'veriflow-nightly.yml'), 'utf8')) as ActionsWorkflow;
    job = actions.jobs.regression!;
    ws = await workspace({ 'wf.yaml': WORKFLOW });
  });
  after(() => ws.dispose());

  it('is scheduled and on demand, and caches .veriflow keyed on the workflow files and the lockfile', () => {
    assert.match(actions.on.schedule[0]!.cron, /^\S+ \S+ \S+ \S+ \S+$/);
    assert.ok('workflow_dispatch' in actions.on);
    const cache = job.steps.find((step) => step.uses?.startsWith('actions/cache@'))!;
    assert.equal(cache.with!.path, '.veriflow');
    assert.match(cache.with!.key!, /hashFiles\('workflows\/\*\*', 'package-lock\.json'\)/);
    for (const uses of ['actions/upload-artifact@', 'mikepenz/action-junit-report@']) {
      assert.equal(job.steps.find((step) => step.uses?.startsWith(uses))?.if, 'always()', `${uses} runs on a red build too`);
    }
  });

  it('a green run exits 0 and leaves what the upload and JUnit steps name; a cached re-run compares with the stored baseline', async () => {
    const green = runJob(job, ws.dir, { VERIFLOW_CI_WORKFLOWS: 'wf.yaml', VERIFLOW_CI_UPDATE_BASELINE: '1' });
    assert.equal(green.code, 0, green.output);
    assert.match(green.output, /no baseline ci\/baselines\/tiny-ci\.json/);
    const upload = job.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))!;
    assert.ok(await exists(ws.dir, upload.with!.path!), `${upload.with!.path} exists`);
    const results = JSON.parse(await readFile(join(ws.dir, 'veriflow-ci', 'tiny-ci', 'results.json'), 'utf8')) as { runId: string; status: string };
    assert.equal(results.status, 'succeeded');
    assert.ok(await exists(ws.dir, 'veriflow-ci/tiny-ci/run/logs'), "the run's folder (logs, report) is collected");
    const junitPattern = job.steps.find((step) => step.uses?.startsWith('mikepenz/action-junit-report@'))!.with!.report_paths!;
    assert.equal(junitPattern, 'veriflow-ci/*/junit.xml');
    assert.match(await readFile(join(ws.dir, 'veriflow-ci', 'tiny-ci', 'junit.xml'), 'utf8'), /<testsuites name="veriflow" tests="1" failures="0"/);
    assert.match(await readFile(join(ws.dir, 'github-env'), 'utf8'), /^VERIFLOW_CI_ARTIFACT=veriflow-wf\.yaml-?\n/m);

    const again = runJob(job, ws.dir, { VERIFLOW_CI_WORKFLOWS: 'wf.yaml' });
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /3 cached/);
    assert.match(again.output, /against ci\/baselines\/tiny-ci\.json .*: 0 moved/);
  });

  it('goes red (exit 3) on a broken expectation and still uploads the results and JUnit', async () => {
    const red = runJob(job, ws.dir, { VERIFLOW_CI_WORKFLOWS: 'wf.yaml:broken' });
    assert.equal(red.code, 3, red.output);
    assert.equal(red.steps['Run, check expectations, compare with the baseline'], 3);
    assert.equal(red.steps['Name the artifact'], 0, 'the always() steps ran');
    assert.match(await readFile(join(ws.dir, 'veriflow-ci', 'tiny-ci-broken', 'junit.xml'), 'utf8'), /failures="1"[\s\S]*<failure type="failed"/);
    assert.ok(await exists(ws.dir, 'veriflow-ci/tiny-ci-broken/results.json'));
  });

  it('goes red (exit 3) when numbers move from the stored baseline although every claim holds', async () => {
    await copyFile(join(ws.dir, 'ci', 'baselines', 'tiny-ci.json'), join(ws.dir, 'ci', 'baselines', 'tiny-ci-moved.json'));
    const moved = runJob(job, ws.dir, { VERIFLOW_CI_WORKFLOWS: 'wf.yaml:moved' });
    assert.equal(moved.code, 3, moved.output);
    assert.match(moved.output, /expectations: 1 held/);
    assert.match(moved.output, /scaled\[factor=1\]\s+outputs\.total\s+4\s+4\.5\s+\+0\.5\s+\+12\.5%/);
    assert.match(await readFile(join(ws.dir, 'veriflow-ci', 'tiny-ci-moved', 'junit.xml'), 'utf8'), /<failure type="moved"/);
  });

  it('the cron example runs the same script: worst exit code of all workflows, every report collected', async () => {
    const crontab = (await readFile(join(ci, 'crontab'), 'utf8')).split('\n').filter((line) => /^[0-9*]/.test(line));
    assert.equal(crontab.length, 1);
    assert.match(crontab[0]!, /^\S+ \S+ \S+ \S+ \S+ cd \S+ && .*docs\/ci\/nightly\.sh/);
    await writeFile(join(ws.dir, 'bad.yaml'), 'name: bad\nsteps: { a: { uses: core/nope } }\n');
    const script = join(ci, 'nightly.sh');
    const env = { ...process.env, VERIFLOW: `${process.execPath} ${CLI}`, VERIFLOW_CI_OUT: 'nightly' };
    const both = spawnSync(script, [], { cwd: ws.dir, env: { ...env, VERIFLOW_CI_WORKFLOWS: 'wf.yaml wf.yaml:broken' }, encoding: 'utf8' });
    assert.equal(both.status, 3, both.stdout + both.stderr);
    for (const label of ['tiny-ci', 'tiny-ci-broken']) assert.ok(await exists(ws.dir, `nightly/${label}/junit.xml`), label);
    const invalid = spawnSync(script, [], { cwd: ws.dir, env: { ...env, VERIFLOW_CI_WORKFLOWS: 'wf.yaml:broken bad.yaml' }, encoding: 'utf8' });
    assert.equal(invalid.status, 2, 'an invalid workflow is worse than a regression');
  });
});
