#!/usr/bin/env node
// Slurm benchmark: what one instance costs on the Slurm executor, against the local executor and against
// Snakemake's Slurm executor plugin, on the same 200-instance sweep of no-op steps.
//
//   npm run bench:slurm                       # builds, then runs this
//   node bench/slurm/run.js [--instances N] [--repeat N] [--poll-ms MS] [--no-snakemake] [--json FILE] [--keep]
//
// Needs a Slurm cluster whose nodes see this checkout and the temporary folder at the same paths (the
// single-node one of scripts/slurm-cluster.sh does); without one it prints why and how to start one, and
// exits 0. Each measurement is the wall time of one whole process, from spawn until its output is drained:
//   - sbatch floor: N `sbatch --wrap=true` jobs submitted at once, waited for through squeue (what Slurm
//     itself costs per job here, the floor for any Slurm executor);
//   - veriflow local: `veriflow run` of the sweep on this machine, fresh workspace;
//   - sbatch --array floor: the same N as the tasks of one `sbatch --array=0-(N-1) --wrap=true` job;
//   - veriflow slurm, per job: the same with `--executor slurm` and `executor: { array: off }`, fresh
//     workspace (one sbatch job per instance);
//   - veriflow slurm, array: the same with job arrays (the default, `array: auto`): one array job of N tasks;
//   - snakemake slurm: a generated Snakefile with the same N jobs under `snakemake --executor slurm`
//     (snakemake 9.27.1, snakemake-executor-plugin-slurm 2.8.0 in .venv-snakemake), when it installs.
// Per-instance figures are wall / N; the Slurm executor's overhead per instance is (slurm - local) / N.
// Rows run one after another within each round, so all see the same machine load.
// See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError, describeFailure, formatTable, median, positiveInteger, spawnTimed } from '../lib/measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'apps/cli/dist/main.js');
const WORKFLOW_NAME = 'bench-slurm-sweep';
const START_HINT = 'start the single-node test cluster with: sudo bash scripts/slurm-cluster.sh start';

// ---------------------------------------------------------------------------------------------------
// The cluster

function slurm(command, args) {
  return spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Why the benchmark cannot use a cluster here, or undefined when one answers with a usable node. */
function clusterProblem() {
  const info = slurm('sinfo', ['-h', '-o', '%T %c']);
  if (info.error) return `sinfo is not installed (${info.error.message}); ${START_HINT}`;
  if (info.status !== 0) return `no Slurm controller answers (${info.stderr.trim() || `sinfo exited ${info.status}`}); ${START_HINT}`;
  const usable = info.stdout.split('\n').some((line) => /^(idle|mixed|allocated)/.test(line));
  if (!usable) return `no node is idle, mixed or allocated (sinfo: ${info.stdout.trim() || 'no nodes'}); ${START_HINT}`;
  return undefined;
}

function clusterDescription() {
  const info = slurm('sinfo', ['-h', '-o', '%D node(s), %c CPUs, %m MiB, gres %G, partition %P']);
  return info.stdout.trim().split('\n').join('; ');
}

/** Resolves once none of `jobIds` is pending, running or completing. */
async function waitForJobs(jobIds, pollMs) {
  for (;;) {
    const queue = slurm('squeue', ['-h', '-o', '%i', '-t', 'PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED', `--jobs=${jobIds.join(',')}`]);
    if (queue.status !== 0) throw new BenchError(`squeue failed while waiting for the sbatch floor's jobs: ${queue.stderr.trim()}`);
    if (queue.stdout.trim() === '') return;
    await delay(pollMs);
  }
}

/** N bare `sbatch --wrap=true` jobs, submitted one after another as fast as sbatch returns, waited for through squeue. */
async function sbatchFloor(instances, pollMs, scratch) {
  const started = performance.now();
  const jobIds = [];
  for (let index = 0; index < instances; index++) {
    const result = slurm('sbatch', ['--parsable', '--job-name=veriflow-bench-floor', `--output=${join(scratch, 'floor-%j.out')}`, '--wrap=true']);
    if (result.status !== 0) throw new BenchError(`sbatch failed for the sbatch floor: ${result.stderr.trim()}`);
    jobIds.push(result.stdout.trim().split(';')[0]);
  }
  const submittedMs = performance.now() - started;
  await waitForJobs(jobIds, pollMs);
  return { ms: performance.now() - started, submittedMs };
}

/** The same N jobs as the tasks of one array job: what Slurm itself costs per array task here. */
async function sbatchArrayFloor(instances, pollMs, scratch) {
  const started = performance.now();
  const result = slurm('sbatch', ['--parsable', '--job-name=veriflow-bench-floor', `--array=0-${instances - 1}`, `--output=${join(scratch, 'floor-%A_%a.out')}`, '--wrap=true']);
  if (result.status !== 0) throw new BenchError(`sbatch --array failed for the array floor: ${result.stderr.trim()}`);
  await waitForJobs([result.stdout.trim().split(';')[0]], pollMs);
  return { ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------------
// The sweep, for veriflow and for Snakemake

/** `array`: the Slurm executor's `executor.array` (auto: one array job; off: one job per instance). */
function workflowText(instances, array) {
  return `# Generated by bench/slurm/run.js: ${instances} independent no-op command instances.
name: ${WORKFLOW_NAME}
description: Slurm benchmark workflow (generated).
executor: { array: "${array}" }
steps:
  noop:
    uses: command
    matrix:
      i: [${Array.from({ length: instances }, (_, index) => index).join(', ')}]
    with:
      run: [/bin/true, "\${{ matrix.i }}"]
`;
}

/** The same sweep as Snakemake rules: one job per wildcard value, each running /bin/true and touching its output. */
function snakefileText(instances) {
  return `# Generated by bench/slurm/run.js: ${instances} independent no-op jobs.
rule all:
    input: expand("out/{i}.done", i=range(${instances}))

rule noop:
    output: "out/{i}.done"
    resources: runtime=10, mem_mb=512, cpus_per_task=1
    shell: "/bin/true {wildcards.i} && touch {output}"
`;
}

async function veriflowRun(label, file, workspace, extra, env) {
  const result = await spawnTimed(process.execPath, [CLI, 'run', file, '--workspace', workspace, ...extra], { cwd: dirname(file), env });
  if (result.code !== 0) throw new BenchError(describeFailure(label, result));
  const results = JSON.parse(readFileSync(join(workspace, '.veriflow/workflows', WORKFLOW_NAME, 'results.json'), 'utf8'));
  const states = results.instances.map((instance) => instance.status);
  const succeeded = states.filter((state) => state === 'succeeded').length;
  if (succeeded !== states.length) throw new BenchError(`${label}: ${succeeded} of ${states.length} instances succeeded (every one must run, none cached)`);
  return { ms: result.ms, instances: states.length };
}

/** The snakemake executable of .venv-snakemake, or the reason there is none. */
async function snakemakeAvailability() {
  const { VENVS, venvAvailability } = await import(pathToFileURL(join(ROOT, 'scripts/python-venv.js')).href);
  return venvAvailability(VENVS.snakemake);
}

async function snakemakeRun(snakemake, folder, instances) {
  writeFileSync(join(folder, 'Snakefile'), snakefileText(instances));
  const partition = slurm('sinfo', ['-h', '-o', '%P']).stdout.trim().split('\n')[0].replace(/\*$/, '');
  const args = [
    '--executor', 'slurm', '--jobs', String(instances), '--directory', folder, '--snakefile', join(folder, 'Snakefile'),
    '--default-resources', `slurm_partition=${partition}`, '--slurm-no-account',
    // Accounting is off on the test cluster (no slurmdbd): sacct cannot answer, squeue can.
    '--slurm-status-command', 'squeue',
    '--latency-wait', '5', '--quiet', 'progress',
  ];
  const result = await spawnTimed(snakemake, args, { cwd: folder });
  if (result.code !== 0) return { failure: describeFailure(`snakemake ${args.join(' ')}`, result) };
  const done = readdirSync(join(folder, 'out')).filter((name) => name.endsWith('.done')).length;
  if (done !== instances) throw new BenchError(`snakemake exited 0 but wrote ${done} of ${instances} outputs in ${join(folder, 'out')}`);
  return { ms: result.ms };
}

// ---------------------------------------------------------------------------------------------------
// Report

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const perInstance = (ms, instances) => `${(ms / instances).toFixed(0)} ms`;

async function main() {
  const { values } = parseArgs({
    options: { instances: { type: 'string' }, repeat: { type: 'string' }, 'poll-ms': { type: 'string' }, 'no-snakemake': { type: 'boolean' }, json: { type: 'string' }, keep: { type: 'boolean' } },
  });
  const instances = positiveInteger('--instances', values.instances, 200);
  const repeat = positiveInteger('--repeat', values.repeat, 1);
  const pollMs = positiveInteger('--poll-ms', values['poll-ms'], 1000);
  const problem = clusterProblem();
  if (problem) {
    console.log(`bench/slurm: skipped: ${problem}`);
    return;
  }
  if (!existsSync(CLI)) throw new BenchError(`${CLI} is missing; build first (npm run build)`);
  const snakemake = values['no-snakemake'] ? { skip: '--no-snakemake' } : await snakemakeAvailability();

  console.log(`bench/slurm: ${instances} no-op instances, ${repeat} round(s); cluster: ${clusterDescription()}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`veriflow's squeue poll: ${pollMs} ms (VERIFLOW_SLURM_POLL_MS); snakemake: ${snakemake.bin ?? `not measured: ${snakemake.skip}`}`);

  const scratch = mkdtempSync(join(tmpdir(), 'veriflow-bench-slurm-'));
  const samples = { floor: [], arrayFloor: [], local: [], slurm: [], array: [], snakemake: [] };
  let snakemakeFailure;
  try {
    const file = join(scratch, `${WORKFLOW_NAME}.yaml`);
    writeFileSync(file, workflowText(instances, 'off'));
    const arrayFile = join(scratch, `${WORKFLOW_NAME}-array.yaml`);
    writeFileSync(arrayFile, workflowText(instances, 'auto'));
    const env = { ...process.env, VERIFLOW_SLURM_POLL_MS: String(pollMs) };
    for (let round = 0; round < repeat; round++) {
      const floor = await sbatchFloor(instances, pollMs, scratch);
      samples.floor.push(floor.ms);
      console.log(`round ${round + 1}: sbatch floor ${seconds(floor.ms)} (submitting took ${seconds(floor.submittedMs)})`);
      const arrayFloor = await sbatchArrayFloor(instances, pollMs, scratch);
      samples.arrayFloor.push(arrayFloor.ms);
      console.log(`round ${round + 1}: sbatch --array floor ${seconds(arrayFloor.ms)}`);
      const local = await veriflowRun('veriflow run (local)', file, join(scratch, `ws-local-${round}`), ['--executor', 'local'], env);
      samples.local.push(local.ms);
      console.log(`round ${round + 1}: veriflow local ${seconds(local.ms)}`);
      const onSlurm = await veriflowRun('veriflow run --executor slurm', file, join(scratch, `ws-slurm-${round}`), ['--executor', 'slurm', '--jobs', String(instances)], env);
      samples.slurm.push(onSlurm.ms);
      console.log(`round ${round + 1}: veriflow slurm, per job ${seconds(onSlurm.ms)}`);
      const asArray = await veriflowRun('veriflow run --executor slurm (array)', arrayFile, join(scratch, `ws-array-${round}`), ['--executor', 'slurm', '--jobs', String(instances)], env);
      samples.array.push(asArray.ms);
      console.log(`round ${round + 1}: veriflow slurm, array ${seconds(asArray.ms)}`);
      if (snakemake.bin && snakemakeFailure === undefined) {
        const folder = join(scratch, `snakemake-${round}`);
        mkdirSync(folder);
        const run = await snakemakeRun(snakemake.bin, folder, instances);
        if (run.failure) snakemakeFailure = run.failure;
        else {
          samples.snakemake.push(run.ms);
          console.log(`round ${round + 1}: snakemake slurm ${seconds(run.ms)}`);
        }
      }
    }
  } finally {
    if (values.keep) console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }

  const rows = [
    ['sbatch floor (sbatch --wrap=true)', samples.floor],
    ['sbatch --array floor (one array, N tasks)', samples.arrayFloor],
    ['veriflow, local executor', samples.local],
    ['veriflow, slurm executor, one job each', samples.slurm],
    ['veriflow, slurm executor, array job', samples.array],
    ['snakemake, slurm executor plugin', samples.snakemake],
  ].filter(([, list]) => list.length > 0);
  console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log(formatTable(['', 'wall (median)', 'min', 'max', 'per instance'], rows.map(([label, list]) => [label, seconds(median(list)), seconds(Math.min(...list)), seconds(Math.max(...list)), perInstance(median(list), instances)])));
  const [floor, arrayFloor, local, onSlurm, asArray] = [median(samples.floor), median(samples.arrayFloor), median(samples.local), median(samples.slurm), median(samples.array)];
  console.log(`\nslurm executor overhead per instance over local: one job each ${perInstance(onSlurm - local, instances)} (over the sbatch floor: ${perInstance(onSlurm - floor, instances)}); array ${perInstance(asArray - local, instances)} (over the array floor: ${perInstance(asArray - arrayFloor, instances)})`);
  console.log(`ratio slurm / local: one job each ${(onSlurm / local).toFixed(2)}x, array ${(asArray / local).toFixed(2)}x`);
  console.log(`ratio one job each / array (both on slurm): ${(onSlurm / asArray).toFixed(2)}x (above 1: the array is faster)`);
  if (samples.snakemake.length > 0) console.log(`ratio snakemake / veriflow (both on slurm): ${(median(samples.snakemake) / onSlurm).toFixed(2)}x (above 1: veriflow is faster)`);
  else console.log(`snakemake not measured: ${snakemakeFailure ?? snakemake.skip}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ instances, pollMs, samples, snakemakeFailure }, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error instanceof BenchError ? `bench/slurm failed: ${error.message}` : error);
  process.exitCode = 1;
});
