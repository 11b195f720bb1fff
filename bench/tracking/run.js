#!/usr/bin/env node
// Tracking benchmark: logging 100,000 metric points to MLflow with veriflow's MlflowClient against
// MLflow's own Python MlflowClient, on the same local server.
//
//   node bench/tracking/run.js [--repeat N] [--runs N] [--keys N] [--steps N] [--warmup N]
//                              [--sample N] [--json FILE] [--keep]
//
// It starts a fresh MLflow server (scripts/mlflow-server.js: SQLite store, local artifacts) in its own
// temporary folder, then for each round runs both clients, one after the other (the order alternates
// between rounds), each into its own experiment. Each client creates a parent run and `--runs`
// children tagged mlflow.parentRunId and logs `--keys` × `--steps` points into each child (default
// 100 × 10 × 100 = 100,000 points), in its natural batching: veriflow one logBatch per child with all
// its points (the client splits to MLflow's limits), Python log_batch in chunks of 1000 (MLflow's
// limit per call). Each client runs in its own fresh process and times the workload from inside it,
// after its imports, so interpreter start-up and `import mlflow` are reported apart. After every
// sample the server's SQLite store is counted (every run, every point) and a sample of runs is read
// back through the REST API (get-history, values compared), so neither side can skip work.
// Target (issue): veriflow's throughput at least that of the Python client (ratio ≥ 1). A missed
// target is printed, not an error; the exit code is non-zero only if something fails to run or a
// check fails. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError, formatTable, median, positiveInteger, spawnTimed } from '../lib/measure.js';

const SCRIPT_STARTED_AT = performance.timeOrigin + performance.now(); // epoch ms (probe start-up ends here)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = fileURLToPath(import.meta.url);
const TRACKING = join(ROOT, 'libs/tracking/dist/index.js');
const PYTHON_SCRIPT = join(ROOT, 'bench/tracking/python_client.py');
const PYTHON = join(ROOT, '.venv-mlflow/bin/python');
const BASE_TS = 1_700_000_000_000;
const PYTHON_CHUNK = 1000;
const CLIENTS = ['veriflow', 'python'];


// ---------------------------------------------------------------------------------------------------
// Small helpers


const ms = (value) => (value === undefined || Number.isNaN(value) ? '-' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`);
const rate = (value) => (value === undefined || Number.isNaN(value) ? '-' : `${Math.round(value).toLocaleString('en-US')}/s`);
const pct = (part, whole) => `${((100 * part) / whole).toFixed(0)}%`;



/** The value both clients log for (child, key, step): exact in binary64 in JS and Python alike. */
const pointValue = (child, key, step) => (child * 1000 + key * 100 + step) / 7;


/** The last line of stdout parsed as JSON, or a BenchError naming the command and its output tail. */
function jsonResult(label, result) {
  if (result.code !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().slice(-3000);
    throw new BenchError(`${label} failed (${result.signal ? `signal ${result.signal}` : `exit code ${result.code}`}):\n${tail}`);
  }
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new BenchError(`${label} printed no JSON result; its output ends:\n${`${result.stdout}\n${result.stderr}`.trim().slice(-3000)}`);
  }
}

// Clock ticks per second for /proc/<pid>/stat (100 on practically every Linux).
let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clockTicks = Number(result.stdout?.trim()) || 100;
  }
  return clockTicks;
}

/**
 * CPU time (user + system, ms) of the live processes in process group `pgid`, split into `serving`
 * (the HTTP server process: uvicorn, or gunicorn/waitress on other mlflow set-ups) and `background`
 * (the rest: the `mlflow server` parent, the job runner and its huey consumers). Undefined off Linux.
 */
function groupCpuMs(pgid) {
  if (!existsSync('/proc/self/stat')) return undefined;
  let serving = 0;
  let background = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    const ticks = Number(fields[11]) + Number(fields[12]);
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      // exited meanwhile
    }
    if (/uvicorn|gunicorn|waitress/.test(cmdline)) serving += ticks;
    else background += ticks;
  }
  const perTick = 1000 / ticksPerSecond();
  return { serving: serving * perTick, background: background * perTick };
}

/**
 * Waits until the server's process group is idle. `mlflow server` answers /health while its job
 * runner is still starting ~8 Python processes that import mlflow (tens of CPU-seconds on a small
 * machine); samples taken meanwhile would measure that contention, not the clients.
 */
async function waitQuiet(pgid, { windowMs = 2000, maxCpuShare = 0.05, timeoutMs = 180_000 } = {}) {
  const started = performance.now();
  let last = groupCpuMs(pgid);
  if (last === undefined) return undefined;
  for (;;) {
    await sleep(windowMs);
    const now = groupCpuMs(pgid);
    const used = now.serving + now.background - last.serving - last.background;
    last = now;
    if (used < windowMs * maxCpuShare) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      console.error(`bench/tracking: the MLflow server still uses ${pct(used, windowMs)} of a core after ${ms(timeoutMs)}; measuring anyway`);
      return performance.now() - started;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The veriflow side: `run.js --probe-veriflow ...` runs in a fresh Node process, like the Python side.

async function probeVeriflow(options) {
  const importStart = performance.now();
  const { MlflowClient } = await import(pathToFileURL(TRACKING).href);
  const importMs = performance.now() - importStart;

  const client = new MlflowClient({ trackingUri: options.uri });
  const phases = { experiment: 0, create: 0, build: 0, log: 0, finish: 0 };
  let requests = 0;

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();

  let t = performance.now();
  const experiment = await client.getOrCreateExperiment(options.experiment);
  phases.experiment += performance.now() - t;

  t = performance.now();
  const parent = await client.createRun({ experimentId: experiment.experimentId, runName: 'parent', tags: { 'bench.role': 'parent' } });
  const parentId = parent.info.runId;
  phases.create += performance.now() - t;

  for (let child = 0; child < options.runs; child++) {
    t = performance.now();
    const run = await client.createRun({
      experimentId: experiment.experimentId,
      runName: `child-${String(child).padStart(3, '0')}`,
      tags: { 'mlflow.parentRunId': parentId, 'bench.role': 'child', 'bench.child': String(child) },
    });
    const t1 = performance.now();
    phases.create += t1 - t;

    const metrics = [];
    for (let key = 0; key < options.keys; key++) {
      for (let step = 0; step < options.steps; step++) {
        metrics.push({ key: `metric_${key}`, value: pointValue(child, key, step), step, timestamp: BASE_TS + step });
      }
    }
    const t2 = performance.now();
    phases.build += t2 - t1;

    const result = await client.logBatch(run.info.runId, { metrics });
    requests += result.requests;
    const t3 = performance.now();
    phases.log += t3 - t2;

    await client.updateRun(run.info.runId, { status: 'FINISHED', endTime: Date.now() });
    phases.finish += performance.now() - t3;
  }

  t = performance.now();
  await client.updateRun(parentId, { status: 'FINISHED', endTime: Date.now() });
  phases.finish += performance.now() - t;

  const measuredMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const round = (value) => Math.round(value * 1000) / 1000;
  console.log(
    JSON.stringify({
      client: 'veriflow',
      node_version: process.version,
      experiment_id: experiment.experimentId,
      parent_run_id: parentId,
      points: options.runs * options.keys * options.steps,
      log_batch_calls: requests,
      script_started_at: SCRIPT_STARTED_AT,
      preamble_ms: round(importStart - (SCRIPT_STARTED_AT - performance.timeOrigin)),
      import_ms: round(importMs),
      measured_ms: round(measuredMs),
      cpu_ms: round((cpu.user + cpu.system) / 1000),
      phases_ms: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(v)])),
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// One sample: a client process, timed, then checked against the server's store.

async function runClient(client, { uri, experiment, runs, keys, steps, serverPgid, pythonPrintsUrls }) {
  const args =
    client === 'veriflow'
      ? [process.execPath, [SELF, '--probe-veriflow', '--uri', uri, '--experiment', experiment, '--runs', String(runs), '--keys', String(keys), '--steps', String(steps)]]
      : [PYTHON, [PYTHON_SCRIPT, 'log', '--uri', uri, '--experiment', experiment, '--runs', String(runs), '--keys', String(keys), '--steps', String(steps), '--chunk', String(PYTHON_CHUNK), '--base-ts', String(BASE_TS)]];
  // MlflowClient.set_terminated prints a "View run at" link, which costs one more GET runs/get per
  // run; suppressed (MLflow's own switch) so both clients send the same requests, unless asked.
  const env = { ...process.env, MLFLOW_ENABLE_ASYNC_LOGGING: 'false' };
  if (client === 'python' && !pythonPrintsUrls) env.MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT = 'true';
  const load = loadavg()[0];
  const serverCpu0 = groupCpuMs(serverPgid);
  const result = await spawnTimed(...args, { cwd: ROOT, env });
  const serverCpu1 = groupCpuMs(serverPgid);
  const out = jsonResult(`${client} client (${experiment})`, result);
  return {
    ...out,
    process_ms: result.ms,
    startup_ms: out.script_started_at - result.spawnedAt,
    server_cpu_ms: serverCpu0 === undefined ? undefined : serverCpu1.serving - serverCpu0.serving,
    server_background_cpu_ms: serverCpu0 === undefined ? undefined : serverCpu1.background - serverCpu0.background,
    load_before: load,
  };
}

/** Sample child indices for the REST read-back: spread over the runs, first and last included. */
function sampleChildren(runs, count) {
  const n = Math.min(count, runs);
  if (n === 1) return [0];
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (runs - 1)) / (n - 1))))];
}

/** Throws unless the server holds exactly this client's workload (counted in SQLite, sampled over REST). */
async function verify(sample, { dbPath, tracking, runs, keys, steps, sampleRuns }) {
  const label = `${sample.client} (experiment ${sample.experiment_id})`;
  const counted = jsonResult(`counting ${label} in the store`, await spawnTimed(PYTHON, [PYTHON_SCRIPT, 'count', '--db', dbPath, '--experiment-id', String(sample.experiment_id)], { cwd: ROOT }));
  const expectedPoints = runs * keys * steps;
  const problems = [];
  if (counted.runs !== runs + 1) problems.push(`${counted.runs} runs, expected ${runs + 1}`);
  if (counted.parents.length !== 1 || counted.parents[0] !== sample.parent_run_id) problems.push(`parents ${JSON.stringify(counted.parents)}, expected [${sample.parent_run_id}]`);
  if (counted.children_by_parent[sample.parent_run_id] !== runs) problems.push(`children of the parent: ${JSON.stringify(counted.children_by_parent)}, expected ${runs}`);
  if (counted.not_finished !== 0) problems.push(`${counted.not_finished} runs not FINISHED`);
  if (counted.points !== expectedPoints) problems.push(`${counted.points} points, expected ${expectedPoints}`);
  if (counted.points_in_parents !== 0) problems.push(`${counted.points_in_parents} points on the parent`);
  if (counted.min_points_per_child !== keys * steps || counted.max_points_per_child !== keys * steps) {
    problems.push(`points per child ${counted.min_points_per_child}..${counted.max_points_per_child}, expected ${keys * steps}`);
  }
  if (counted.min_keys_per_child !== keys) problems.push(`a child has ${counted.min_keys_per_child} metric keys, expected ${keys}`);

  // REST read-back of a sample of children: every point, value, step and timestamp.
  const client = new tracking.MlflowClient({ trackingUri: sample.uri });
  const wanted = sampleChildren(runs, sampleRuns);
  const filter = `tags.\`mlflow.parentRunId\` = '${sample.parent_run_id}'`;
  const byChild = new Map();
  for await (const run of client.iterateRuns({ experimentIds: [String(sample.experiment_id)], filter, maxResults: 1000 })) {
    byChild.set(Number(run.data.tags['bench.child']), run.info.runId);
  }
  if (byChild.size !== runs) problems.push(`search found ${byChild.size} children, expected ${runs}`);
  let readBack = 0;
  for (const child of wanted) {
    const runId = byChild.get(child);
    if (!runId) {
      problems.push(`child ${child} not found by search`);
      continue;
    }
    for (let key = 0; key < keys; key++) {
      const history = await client.getMetricHistory(runId, `metric_${key}`);
      readBack += history.length;
      if (history.length !== steps) {
        problems.push(`child ${child} metric_${key}: ${history.length} points, expected ${steps}`);
        continue;
      }
      const sorted = [...history].sort((a, b) => a.step - b.step);
      const bad = sorted.findIndex((m, step) => m.step !== step || m.timestamp !== BASE_TS + step || m.value !== pointValue(child, key, step));
      if (bad >= 0) problems.push(`child ${child} metric_${key} step ${bad}: got ${JSON.stringify(sorted[bad])}, expected value ${pointValue(child, key, bad)}`);
    }
  }
  if (problems.length > 0) throw new BenchError(`${label}: the server does not hold the expected workload:\n  ${problems.slice(0, 10).join('\n  ')}`);
  return { points: counted.points, readBack, sampledRuns: wanted.length };
}

// ---------------------------------------------------------------------------------------------------
// Report

function report(samples, options, environment) {
  const by = Object.fromEntries(CLIENTS.map((client) => [client, samples.filter((s) => s.client === client)]));
  const med = (client, pick) => median(by[client].map(pick));
  const points = options.runs * options.keys * options.steps;
  const throughput = (s) => (points * 1000) / s.measured_ms;
  const out = [];

  out.push('');
  out.push(`Logging ${points.toLocaleString('en-US')} points: ${options.runs} child runs (+1 parent) × ${options.keys} keys × ${options.steps} steps, median of ${options.repeat}`);
  out.push('');
  out.push(
    formatTable(
      ['client', 'throughput', 'wall (in-process)', 'min..max wall', 'log-batch requests', 'client CPU', 'server CPU', 'start-up', 'imports', 'process wall'],
      CLIENTS.map((client) => [
        client === 'veriflow' ? 'veriflow MlflowClient (Node)' : 'mlflow MlflowClient (Python)',
        rate(med(client, throughput)),
        ms(med(client, (s) => s.measured_ms)),
        `${ms(Math.min(...by[client].map((s) => s.measured_ms)))}..${ms(Math.max(...by[client].map((s) => s.measured_ms)))}`,
        String(med(client, (s) => s.log_batch_calls)),
        ms(med(client, (s) => s.cpu_ms)),
        ms(med(client, (s) => s.server_cpu_ms)),
        ms(med(client, (s) => s.startup_ms)),
        ms(med(client, (s) => s.import_ms)),
        ms(med(client, (s) => s.process_ms)),
      ]),
    ),
  );

  const ratio = med('veriflow', throughput) / med('python', throughput);
  out.push('');
  out.push(`ratio veriflow / python (median throughput): ${ratio.toFixed(2)}×   target ≥ 1   ${ratio >= 1 ? 'MET' : 'MISSED'}`);
  const logRatio = med('python', (s) => s.phases_ms.log) / med('veriflow', (s) => s.phases_ms.log);
  out.push(`log-batch phase alone (points / time in logBatch vs log_batch): ${logRatio.toFixed(2)}×`);

  // Where the time goes: per-phase medians and the client / server CPU split.
  out.push('');
  out.push('Where the in-process time goes (medians; "per request" = phase time / requests of that kind):');
  out.push('');
  const phaseRows = [];
  const requestsOf = { experiment: undefined, create: options.runs + 1, build: undefined, log: undefined, finish: options.runs + 1 };
  for (const phase of ['experiment', 'create', 'build', 'log', 'finish']) {
    const row = [phase === 'log' ? 'log-batch' : phase === 'create' ? 'create runs' : phase === 'finish' ? 'finish runs' : phase === 'build' ? 'build points' : 'get/create experiment'];
    for (const client of CLIENTS) {
      const value = med(client, (s) => s.phases_ms[phase]);
      const count = phase === 'log' ? med(client, (s) => s.log_batch_calls) : requestsOf[phase];
      row.push(ms(value), count ? `${(value / count).toFixed(2)} ms` : '');
    }
    phaseRows.push(row);
  }
  out.push(formatTable(['phase', 'veriflow', 'per request', 'python', 'per request'], phaseRows));
  out.push('');
  const splitRows = CLIENTS.map((client) => {
    const wall = med(client, (s) => s.measured_ms);
    const clientCpu = med(client, (s) => s.cpu_ms);
    const serverCpu = med(client, (s) => s.server_cpu_ms);
    const rest = wall - clientCpu - (serverCpu ?? 0);
    return [client, ms(wall), `${ms(clientCpu)} (${pct(clientCpu, wall)})`, serverCpu === undefined ? '-' : `${ms(serverCpu)} (${pct(serverCpu, wall)})`, `${ms(Math.max(rest, 0))} (${pct(Math.max(rest, 0), wall)})`];
  });
  out.push(formatTable(['client', 'wall', 'client CPU', 'server CPU', 'other (waits, overlap)'], splitRows));
  out.push('(server CPU: the uvicorn process that serves the requests, over the client process\'s lifetime.)');
  out.push('');
  out.push('Each sample (in order):');
  out.push(
    formatTable(
      ['round', 'client', 'wall', 'throughput', 'client CPU', 'server CPU', 'server bg CPU', 'load before', 'verified points', 'read back (REST)'],
      samples.map((s) => [
        String(s.round),
        s.client,
        ms(s.measured_ms),
        rate(throughput(s)),
        ms(s.cpu_ms),
        ms(s.server_cpu_ms),
        ms(s.server_background_cpu_ms),
        s.load_before.toFixed(2),
        s.verified.points.toLocaleString('en-US'),
        `${s.verified.readBack} pts / ${s.verified.sampledRuns} runs`,
      ]),
    ),
  );

  out.push('');
  out.push(`Machine: ${environment.cpu} (${environment.cores} cores), ${environment.memory}; Node ${process.version}, Python ${environment.python}, mlflow ${environment.mlflow} server (1 worker, SQLite); load before: ${environment.load}`);
  out.push(`Server: up in ${ms(environment.serverStartMs)}, then ${ms(environment.quietWaitMs)} until its background processes were idle. Python's "View run" URL printing: ${options.pythonPrintsUrls ? 'on (one extra GET per finished run)' : 'suppressed (MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT)'}.`);
  out.push('');
  const verdict = [];
  verdict.push(
    ratio >= 1
      ? `Verdict: target met. veriflow logs ${points.toLocaleString('en-US')} points at ${ratio.toFixed(2)}× the Python client's throughput (${rate(med('veriflow', throughput))} vs ${rate(med('python', throughput))}).`
      : `Verdict: target missed. veriflow logs at ${ratio.toFixed(2)}× the Python client's throughput (${rate(med('veriflow', throughput))} vs ${rate(med('python', throughput))}).`,
  );
  const serverShare = CLIENTS.map((client) => med(client, (s) => s.server_cpu_ms) / med(client, (s) => s.measured_ms));
  if (serverShare.every((share) => share > 0.5)) {
    verdict.push(
      `The server's own CPU time is ${CLIENTS.map((c, i) => `${(serverShare[i] * 100).toFixed(0)}% (${c})`).join(' and ')} of the wall time, so the server bounds both clients; ` +
        `the clients' own CPU time is ${CLIENTS.map((c) => `${ms(med(c, (s) => s.cpu_ms))} (${pct(med(c, (s) => s.cpu_ms), med(c, (s) => s.measured_ms))} of ${c}'s wall)`).join(' vs ')}.`,
    );
  }
  const range = (client) => [Math.min(...by[client].map(throughput)), Math.max(...by[client].map(throughput))];
  const [v, p] = [range('veriflow'), range('python')];
  if (v[0] <= p[1] && p[0] <= v[1]) verdict.push('The two clients\' throughput ranges overlap: the difference is within the run-to-run spread.');
  const noisy = samples.filter((s) => s.server_background_cpu_ms > 0.1 * s.measured_ms);
  if (noisy.length > 0) verdict.push(`Warning: the server's background processes used > 10% of a core during ${noisy.length} sample(s); those are less reliable.`);
  verdict.push(`Not measured in the ratio: start-up ${ms(med('veriflow', (s) => s.startup_ms))} + imports ${ms(med('veriflow', (s) => s.import_ms))} (Node) vs ${ms(med('python', (s) => s.startup_ms))} + ${ms(med('python', (s) => s.import_ms))} (Python, \`import mlflow\`).`);
  out.push(verdict.join('\n'));
  return { text: out.join('\n'), ratio };
}

// ---------------------------------------------------------------------------------------------------
// Main

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      repeat: { type: 'string' },
      runs: { type: 'string' },
      keys: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      sample: { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'python-print-urls': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      // Internal: the veriflow child process.
      'probe-veriflow': { type: 'boolean', default: false },
      uri: { type: 'string' },
      experiment: { type: 'string' },
    },
  });
  const options = {
    repeat: positiveInteger('--repeat', values.repeat, 3),
    runs: positiveInteger('--runs', values.runs, 100),
    keys: positiveInteger('--keys', values.keys, 10),
    steps: positiveInteger('--steps', values.steps, 100),
    warmup: values.warmup === '0' ? 0 : positiveInteger('--warmup', values.warmup, 1),
    sampleRuns: positiveInteger('--sample', values.sample, 5),
    pythonPrintsUrls: values['python-print-urls'],
  };
  if (values['probe-veriflow']) {
    await probeVeriflow({ ...options, uri: values.uri, experiment: values.experiment });
    return;
  }
  if (values.help) {
    console.log(
      'usage: node bench/tracking/run.js [--repeat N (3)] [--runs N (100)] [--keys N (10)] [--steps N (100)] [--warmup N (1)] [--sample N (5)] [--python-print-urls] [--json FILE] [--keep]',
    );
    return;
  }
  if (!existsSync(TRACKING)) throw new BenchError(`${TRACKING} is missing: build first (npx tsc -b tsconfig.build.json)`);

  const { ensureMlflow, startMlflowServer, MLFLOW_VERSION } = await import(pathToFileURL(join(ROOT, 'scripts/mlflow-server.js')).href);
  ensureMlflow();
  if (!existsSync(PYTHON)) throw new BenchError(`${PYTHON} is missing after ensureMlflow()`);
  const tracking = await import(pathToFileURL(TRACKING).href);

  const environment = {
    cpu: cpus()[0]?.model?.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    python: spawnSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).stdout?.trim() || '?',
    mlflow: MLFLOW_VERSION,
    load: loadavg().map((l) => l.toFixed(2)).join(' '),
  };

  const dir = mkdtempSync(join(tmpdir(), 'veriflow-bench-tracking-'));
  const dbPath = join(dir, 'mlflow.db');
  let server;
  const cleanup = async () => {
    if (server) await server.stop();
    server = undefined;
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    console.error(`\n${signal}: stopping the MLflow server`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const started = performance.now();
    server = await startMlflowServer({ dir });
    environment.serverStartMs = performance.now() - started;
    console.error(`MLflow ${MLFLOW_VERSION} server on ${server.uri} (store ${dir}), up in ${ms(environment.serverStartMs)}; waiting for it to be idle...`);
    environment.quietWaitMs = await waitQuiet(server.pid);
    const common = { uri: server.uri, serverPgid: server.pid, runs: options.runs, keys: options.keys, steps: options.steps, pythonPrintsUrls: options.pythonPrintsUrls };

    // Warm-up: a small workload per client, so the first measured sample does not pay the server's
    // lazy start (imports on the first request of each endpoint, SQLite caches).
    for (let w = 0; w < options.warmup; w++) {
      for (const client of CLIENTS) {
        await runClient(client, { ...common, experiment: `warmup-${client}-${w + 1}`, runs: 3, keys: 2, steps: 10 });
      }
    }

    const samples = [];
    for (let round = 1; round <= options.repeat; round++) {
      // Alternate the order, so neither client always meets a fresher (smaller) store.
      const order = round % 2 === 1 ? CLIENTS : [...CLIENTS].reverse();
      for (const client of order) {
        const sample = await runClient(client, { ...common, experiment: `bench-${client}-${round}` });
        sample.round = round;
        sample.uri = server.uri;
        sample.verified = await verify(sample, { dbPath, tracking, runs: options.runs, keys: options.keys, steps: options.steps, sampleRuns: options.sampleRuns });
        samples.push(sample);
        console.error(
          `round ${round}/${options.repeat} ${client.padEnd(8)} ${ms(sample.measured_ms).padStart(8)} in-process, ${ms(sample.process_ms).padStart(8)} process; ` +
            `verified ${sample.verified.points.toLocaleString('en-US')} points in the store, ${sample.verified.readBack} read back`,
        );
      }
    }

    const { text, ratio } = report(samples, options, environment);
    console.log(text);
    if (values.json) {
      writeFileSync(values.json, `${JSON.stringify({ options, environment, ratio, samples }, null, 2)}\n`);
      console.log(`\nSamples written to ${values.json}`);
    }
    if (values.keep) console.log(`\nKept ${dir} (server stopped).`);
  } finally {
    await cleanup();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof BenchError ? `bench/tracking: ${error.message}` : error);
  process.exitCode = 1;
});
