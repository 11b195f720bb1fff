#!/usr/bin/env node
// Gaussian benchmark: veriflow's phase-transition workflow against the same grid in plain NumPy.
//
//   bash bench/gaussian/run.sh [options]        # makes bench/.venv with NumPy, builds, then runs this
//   node bench/gaussian/run.js [options]        # the same without venv set-up or build
//
// Each round times three whole processes, one after the other:
//   (a) numpy_grid.py: 76 cells of fresh rows, X.T @ X (BLAS), ridge, exact accuracy;
//   (b) `veriflow run workflows/paper/gaussian-phase-transition.yaml` on a fresh workspace (default
//       method: auto, i.e. exact sufficient statistics);
//   (c) the same workflow with `method: stream` on the verify step (every row generated), also fresh.
// It then checks that the three agree statistically (per-cell accuracies, measured transitions),
// measures veriflow's peak RSS at the default grid and at 4× the cells (`--set replicates=4`),
// and prints a table of medians and ratios. Target (issue): (b) at least 2× faster than (a).
// A missed target is printed, not an error; the exit code is non-zero only if something fails to run.
// See bench/README.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError, describeFailure, formatTable, median, positiveInteger, spawnTimed } from '../lib/measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'apps/cli/dist/main.js');
const WORKFLOW = join(ROOT, 'workflows/paper/gaussian-phase-transition.yaml');
const WORKFLOW_NAME = 'gaussian-phase-transition';
const NUMPY_SCRIPT = join(ROOT, 'bench/gaussian/numpy_grid.py');
const DEFAULT_PYTHON = join(ROOT, 'bench/.venv/bin/python');
const TIME_BIN = '/usr/bin/time';
const TARGET_SPEEDUP = 2;
const TOLERANCE = 0.03;
const SIGMAS = 4;
// Environment variables that change which BLAS kernel or how many threads NumPy's OpenBLAS uses; they
// are removed for the NumPy processes only, so NumPy runs with its own defaults (all cores, the
// kernel it detects for this CPU).
const BLAS_VARIABLES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'GOTO_NUM_THREADS', 'OPENBLAS_VERBOSE'];
const VERIFIERS = { oracle: 1, random: 0.5, 'rates-0.75': 0.75, 'rates-0.6': 0.6 }; // name → predicted p* = φ/(φ+ψ)


// ---------------------------------------------------------------------------------------------------
// Small helpers

const seconds = (ms) => (ms === undefined || Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)} s`);
const mib = (kib) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`);

/**
 * Runs `command args` under `/usr/bin/time -v` when it exists (its overhead is one fork/exec, well
 * under a millisecond next to runs of seconds) and returns wall time and peak RSS in KiB.
 */
async function measured(label, command, args, options = {}) {
  const useTime = existsSync(TIME_BIN);
  const result = useTime ? await spawnTimed(TIME_BIN, ['-v', command, ...args], { cwd: ROOT, ...options }) : await spawnTimed(command, args, { cwd: ROOT, ...options });
  if (result.code !== 0) throw new BenchError(describeFailure(label, result));
  let rssKiB;
  if (useTime) {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
    if (!match) throw new BenchError(`${label}: no "Maximum resident set size" in ${TIME_BIN} -v output`);
    rssKiB = Number(match[1]);
  }
  return { ms: result.ms, rssKiB, stdout: result.stdout, stderr: result.stderr };
}

const loadText = () => loadavg().map((value) => value.toFixed(2)).join(' / ');

function numpyEnv() {
  const env = { ...process.env };
  for (const name of BLAS_VARIABLES) delete env[name];
  return env;
}

// ---------------------------------------------------------------------------------------------------
// The three implementations

/** The workflow with `method: stream` on the verify step (written to the scratch folder). */
function streamWorkflow(scratch) {
  const text = readFileSync(WORKFLOW, 'utf8');
  const anchor = /^( {6})verifier: \$\{\{ params\.verifiers\[matrix\.verifier\] \}\}$/m;
  const match = anchor.exec(text);
  if (!match || text.split('\n').filter((line) => anchor.test(line)).length !== 1) {
    throw new BenchError(`${WORKFLOW}: could not find the verify step's "verifier:" line to add "method: stream" after`);
  }
  const out = text.replace(anchor, `${match[0]}\n${match[1]}method: stream`);
  const file = join(scratch, 'gaussian-phase-transition-stream.yaml');
  writeFileSync(file, out);
  return file;
}

function readResults(workspace, label, expectedCells) {
  const file = join(workspace, '.veriflow/workflows', WORKFLOW_NAME, 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8'));
  if (results.status !== 'succeeded') throw new BenchError(`${label}: results.json says ${results.status}`);
  const evaluated = results.instances.filter((instance) => instance.step === 'evaluate');
  if (evaluated.length !== expectedCells || evaluated.some((instance) => instance.status !== 'succeeded')) {
    throw new BenchError(`${label}: expected ${expectedCells} succeeded evaluate instances, found ${evaluated.filter((i) => i.status === 'succeeded').length} of ${evaluated.length}`);
  }
  const cells = evaluated.map((instance) => ({
    p: instance.matrix.p,
    verifier: instance.matrix.verifier,
    replicate: instance.matrix.replicate,
    accuracy: instance.values.accuracy,
    test_accuracy: instance.values.test_accuracy,
  }));
  const stepMs = {};
  for (const instance of results.instances) stepMs[instance.step] = (stepMs[instance.step] ?? 0) + (instance.durationMs ?? 0);
  return { cells, durationMs: results.durationMs, stepMs };
}

/** The methods the verify instances logged ("verifying ... (stream)"), to prove which engine ran. */
function verifyMethods(workspace) {
  const runs = join(workspace, '.veriflow/runs');
  const methods = new Map();
  for (const run of readdirSync(runs)) {
    const logs = join(runs, run, 'logs');
    if (!existsSync(logs)) continue;
    for (const file of readdirSync(logs)) {
      if (!file.startsWith('verify')) continue;
      const match = /verifying .* \((exact|projected|stream)\)/.exec(readFileSync(join(logs, file), 'utf8'));
      const method = match ? match[1] : 'unknown';
      methods.set(method, (methods.get(method) ?? 0) + 1);
    }
  }
  return [...methods].map(([method, count]) => `${count}× ${method}`).join(', ');
}

// ---------------------------------------------------------------------------------------------------
// Statistical agreement

const cellKey = (cell) => `${cell.p}|${cell.verifier}|${cell.replicate}`;

/** First p at which the (replicate-mean) accuracy drops below 0.5, linearly interpolated; null if never. */
function transitions(cells) {
  const out = {};
  for (const verifier of Object.keys(VERIFIERS)) {
    const byP = new Map();
    for (const cell of cells.filter((c) => c.verifier === verifier)) byP.set(cell.p, [...(byP.get(cell.p) ?? []), cell.accuracy]);
    const points = [...byP].map(([p, values]) => [p, values.reduce((a, b) => a + b, 0) / values.length]).sort((a, b) => a[0] - b[0]);
    let found = null;
    if (points.length > 0 && points[0][1] < 0.5) found = points[0][0];
    for (let i = 0; found === null && i + 1 < points.length; i++) {
      const [p0, a0] = points[i];
      const [p1, a1] = points[i + 1];
      if (a0 >= 0.5 && a1 < 0.5) found = p0 + ((a0 - 0.5) * (p1 - p0)) / (a0 - a1);
    }
    out[verifier] = found;
  }
  return out;
}

/** Deterministic uniform(0, 1) generator (mulberry32) and standard normals (Box–Muller). */
function normalSource(seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function normalCdf(x) {
  // Abramowitz–Stegun 7.1.26 on erf; |error| < 1.5e-7, plenty for a yardstick.
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * The sampling spread of one cell's accuracy, as a yardstick for "agree statistically". A
 * low-dimensional approximation, independent of both implementations: with XᵀX/m ≈ I + μμᵀ, the ridge
 * solution is w ≈ (δμ + √m·g)/(1+‖μ‖²+λ) along μ and √m·g⊥/(1+λ) across it (g ~ N(0, I_d)), with
 * the counts m = K_c + K_w, δ = K_c − K_w drawn as in the experiment (normal approximations to the
 * binomials) and ‖g⊥‖² ~ χ²(d−1) (Wilson–Hilferty). Checked against 12 replicates of the exact
 * engine: right within a factor ~1.5 where the accuracy is noisy (near p*), too wide where it is
 * saturated (where the ±0.03 floor applies anyway).
 */
function accuracySpread(p, pStar, { n, d, muNorm, lambda }, draws = 4000) {
  const [phi, psi] = { 1: [1, 0], 0.5: [0.5, 0.5], 0.75: [0.9, 0.3], 0.6: [0.6, 0.4] }[pStar];
  const normal = normalSource(Math.round(p * 1000) * 7 + Math.round(pStar * 100));
  const binomial = (count, prob) => Math.max(0, Math.min(count, Math.round(count * prob + Math.sqrt(count * prob * (1 - prob)) * normal())));
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < draws; i++) {
    const correct = binomial(n, 1 - p);
    const keptCorrect = binomial(correct, phi);
    const keptWrong = binomial(n - correct, psi);
    const m = keptCorrect + keptWrong;
    const delta = keptCorrect - keptWrong;
    const k = d - 1;
    const chi2 = k * (1 - 2 / (9 * k) + normal() * Math.sqrt(2 / (9 * k))) ** 3;
    const along = (delta * muNorm + Math.sqrt(m) * normal()) / (1 + muNorm * muNorm + lambda);
    const acrossSq = (m * chi2) / (1 + lambda) ** 2;
    const norm = Math.sqrt(along * along + acrossSq);
    const accuracy = norm === 0 ? 0.5 : normalCdf((muNorm * along) / norm);
    sum += accuracy;
    sumSq += accuracy * accuracy;
  }
  const mean = sum / draws;
  return Math.sqrt(Math.max(0, sumSq / draws - mean * mean));
}

/**
 * Per-cell comparison of two implementations. Each pair of cells must be within ±0.03, or, where
 * sampling noise is larger than that (near p*, where the model's direction is mostly noise), within
 * SIGMAS standard deviations of the difference of two independent draws (SIGMAS·√2·sd, sd from
 * accuracySpread). SIGMAS is 4, not 3: the benchmark makes 76 cells × 3 pairs ≈ 228 comparisons, and at
 * 3σ (0.27% each) about half of all runs would flag a cell by chance; at 4σ about 1.5% do.
 */
function compare(a, b, spread) {
  const other = new Map(b.map((cell) => [cellKey(cell), cell]));
  let maxDiff = 0;
  let maxAt = '';
  let within = 0;
  let withinNoise = 0;
  let signedSum = 0;
  const beyond = [];
  for (const cell of a) {
    const peer = other.get(cellKey(cell));
    if (!peer) throw new BenchError(`cell ${cellKey(cell)} is missing from one implementation`);
    const diff = cell.accuracy - peer.accuracy;
    signedSum += diff;
    const sdDiff = Math.SQRT2 * spread.get(`${cell.p}|${cell.verifier}`);
    if (Math.abs(diff) <= TOLERANCE) within++;
    else beyond.push(`${cell.verifier}@${cell.p}: ${cell.accuracy.toFixed(3)} vs ${peer.accuracy.toFixed(3)} (${(Math.abs(diff) / sdDiff).toFixed(1)}σ)`);
    if (Math.abs(diff) <= Math.max(TOLERANCE, SIGMAS * sdDiff)) withinNoise++;
    if (Math.abs(diff) > maxDiff) [maxDiff, maxAt] = [Math.abs(diff), `${cell.verifier}@p=${cell.p}`];
  }
  return { maxDiff, maxAt, within, withinNoise, count: a.length, meanDiff: signedSum / a.length, beyond };
}

// ---------------------------------------------------------------------------------------------------
// CPU profile of one streaming run (main thread and worker threads, merged)

function profileSummary(dir, top) {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  const self = new Map();
  const perThread = [];
  let sum = 0;
  const short = (url) => {
    if (!url) return '(native)';
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    return path.startsWith(`${ROOT}/`) ? path.slice(ROOT.length + 1) : path;
  };
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    let threadSum = 0;
    let idle = 0;
    profile.samples.forEach((id, index) => {
      const dt = (profile.timeDeltas[index] ?? 0) / 1000;
      const { functionName, url, lineNumber } = nodes.get(id).callFrame;
      const label = `${functionName || '(anonymous)'}  ${short(url)}${url ? `:${lineNumber + 1}` : ''}`;
      threadSum += dt;
      if (functionName === '(idle)') idle += dt;
      self.set(label, (self.get(label) ?? 0) + dt);
    });
    sum += threadSum;
    perThread.push({ file, ms: threadSum, idle });
  }
  const lines = [`${files.length} profiles (main thread + worker threads), ${(sum / 1000).toFixed(1)} s sampled in all`];
  for (const thread of perThread.sort((a, b) => b.ms - a.ms)) lines.push(`  ${thread.file}: ${(thread.ms / 1000).toFixed(1)} s sampled, ${(thread.idle / 1000).toFixed(1)} s idle`);
  const busy = sum - (self.get('(idle)  (native)') ?? 0);
  lines.push(`top ${top} by self time (all threads; % of all samples, % of non-idle samples):`);
  for (const [label, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const ofBusy = label.startsWith('(idle)') ? '' : `${((100 * ms) / busy).toFixed(1)}%`;
    lines.push(`  ${(ms / 1000).toFixed(2).padStart(7)} s  ${((100 * ms) / sum).toFixed(1).padStart(5)}%  ${ofBusy.padStart(6)}  ${label}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The benchmark

async function main() {
  const { values } = parseArgs({
    options: {
      repeat: { type: 'string' },
      'stream-repeat': { type: 'string' },
      python: { type: 'string' },
      n: { type: 'string' },
      'skip-stream': { type: 'boolean' },
      'skip-rss': { type: 'boolean' },
      profile: { type: 'boolean' },
      json: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node bench/gaussian/run.js [--repeat N (3)] [--stream-repeat N (= repeat)] [--python PATH] [--n N] [--skip-stream] [--skip-rss] [--profile] [--json FILE] [--keep]');
    return;
  }
  const repeat = positiveInteger('--repeat', values.repeat, 3);
  const streamRepeat = values['skip-stream'] ? 0 : positiveInteger('--stream-repeat', values['stream-repeat'], repeat);
  const n = values.n === undefined ? undefined : positiveInteger('--n', values.n);
  const python = values.python ?? DEFAULT_PYTHON;
  if (!existsSync(CLI)) throw new BenchError(`${CLI} is missing: build first (npx tsc -b tsconfig.build.json)`);
  if (!existsSync(python)) throw new BenchError(`${python} is missing: run bash bench/gaussian/run.sh, which creates bench/.venv`);

  const scratch = mkdtempSync(join(tmpdir(), 'veriflow-bench-gaussian-'));
  const cells = 19 * 4;
  const setN = n === undefined ? [] : ['--set', `n=${n}`];
  const numpyArgs = [NUMPY_SCRIPT, '--quiet', ...(n === undefined ? [] : ['--n', String(n)])];
  const streamFile = streamWorkflow(scratch);
  const started = performance.now();

  try {
    // Environment and NumPy configuration.
    const removed = BLAS_VARIABLES.filter((name) => process.env[name] !== undefined).map((name) => `${name}=${process.env[name]}`);
    const info = await spawnTimed(python, [NUMPY_SCRIPT, '--info'], { cwd: ROOT, env: numpyEnv() });
    if (info.code !== 0) throw new BenchError(describeFailure('numpy_grid.py --info', info));
    const numpyInfo = JSON.parse(info.stdout);
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.log(`machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; load average ${loadText()}`);
    if (loadavg()[0] > 0.5) console.log(`  note: the machine is busy before the benchmark starts (1-min load ${loadavg()[0].toFixed(2)}); times will be noisy, per-round ratios less so`);
    console.log(`grid: 19 p × 4 verifiers = ${cells} cells, d = 200, n = ${n ?? 50000} synthesized rows per cell; ${repeat} rounds (stream: ${streamRepeat})`);
    console.log(`numpy ${numpyInfo.numpy} (python ${numpyInfo.python}); removed for NumPy only: ${removed.length ? removed.join(' ') : 'none of ' + BLAS_VARIABLES.join(', ') + ' was set'}`);
    for (const pool of numpyInfo.threadpools ?? []) {
      console.log(`  ${pool.user_api}: ${pool.internal_api} ${pool.version}, kernel ${pool.architecture}, ${pool.threading_layer}, ${pool.num_threads} threads (${pool.filepath.split('/').pop()})`);
    }
    if (!numpyInfo.threadpools) console.log('  threadpoolctl not installed; numpy build: ' + JSON.stringify(numpyInfo.blas_build));
    if (numpyInfo.simd_found) console.log(`  numpy SIMD extensions found: ${numpyInfo.simd_found.join(' ')}`);

    // Timed rounds: (a), (b), (c) one after the other, so load on the machine affects all alike.
    const samples = { numpy: [], numpyGrid: [], veriflow: [], veriflowInner: [], stream: [], streamInner: [] };
    const rss = { numpy: [], veriflow: [], stream: [] };
    let numpyResult;
    let veriflowResult;
    let streamResult;
    let veriflowMethods;
    let streamMethods;
    for (let round = 0; round < repeat; round++) {
      const jsonFile = join(scratch, `numpy-${round}.json`);
      const a = await measured('numpy_grid.py', python, [...numpyArgs, '--json', jsonFile], { env: numpyEnv() });
      const grid = JSON.parse(readFileSync(jsonFile, 'utf8'));
      if (grid.cells.length !== cells) throw new BenchError(`numpy_grid.py wrote ${grid.cells.length} cells, expected ${cells}`);
      numpyResult ??= grid;
      samples.numpy.push(a.ms);
      samples.numpyGrid.push(grid.grid_seconds * 1000);
      rss.numpy.push(a.rssKiB);

      const workspace = join(scratch, `ws-auto-${round}`);
      const b = await measured('veriflow run', process.execPath, [CLI, 'run', WORKFLOW, '--workspace', workspace, ...setN]);
      const results = readResults(workspace, 'veriflow run', cells);
      veriflowResult ??= results;
      veriflowMethods ??= verifyMethods(workspace);
      samples.veriflow.push(b.ms);
      samples.veriflowInner.push(results.durationMs);
      rss.veriflow.push(b.rssKiB);

      let line = `round ${round + 1}/${repeat}: (a) NumPy ${seconds(a.ms)} (grid ${seconds(grid.grid_seconds * 1000)}), (b) veriflow ${seconds(b.ms)}`;
      if (round < streamRepeat) {
        const streamWs = join(scratch, `ws-stream-${round}`);
        const c = await measured('veriflow run (stream)', process.execPath, [CLI, 'run', streamFile, '--workspace', streamWs, ...setN]);
        const streamRes = readResults(streamWs, 'veriflow run (stream)', cells);
        streamResult ??= streamRes;
        streamMethods ??= verifyMethods(streamWs);
        samples.stream.push(c.ms);
        samples.streamInner.push(streamRes.durationMs);
        rss.stream.push(c.rssKiB);
        line += `, (c) stream ${seconds(c.ms)}`;
      }
      console.log(line);
    }

    // Peak RSS at 4× the cells: memory must not grow with the number of cells.
    let rss4;
    if (!values['skip-rss']) {
      const workspace = join(scratch, 'ws-auto-4x');
      const run4 = await measured('veriflow run --set replicates=4', process.execPath, [CLI, 'run', WORKFLOW, '--workspace', workspace, '--set', 'replicates=4', ...setN]);
      readResults(workspace, 'veriflow run --set replicates=4', 4 * cells);
      rss4 = run4;
      console.log(`4× cells (--set replicates=4, ${4 * cells} cells): ${seconds(run4.ms)}, peak RSS ${mib(run4.rssKiB)}`);
    }

    // Timing table.
    const numpyMedian = median(samples.numpy);
    const numpyMin = Math.min(...samples.numpy);
    const rows = [];
    const ratioText = (ratio) => (ratio === undefined ? '' : `${ratio.toFixed(2)}×`);
    const row = (name, list, compared, note) => {
      if (list.length === 0) return;
      const [med, min] = [median(list), Math.min(...list)];
      rows.push([name, seconds(med), seconds(min), seconds(Math.max(...list)), ratioText(compared ? numpyMedian / med : undefined), ratioText(compared ? numpyMin / min : undefined), note ?? '']);
    };
    row('(a) NumPy, python process', samples.numpy, true, '');
    row('    of which the grid loop', samples.numpyGrid, false, 'in-process, without interpreter + numpy import');
    const ratioB = numpyMedian / median(samples.veriflow);
    row('(b) veriflow run (auto: exact)', samples.veriflow, true, `target ≥ ${TARGET_SPEEDUP}× (median): ${ratioB >= TARGET_SPEEDUP ? 'met' : 'MISSED'}`);
    row('    of which the run (results.json)', samples.veriflowInner, false, 'without Node start-up and planning');
    if (samples.stream.length) {
      row('(c) veriflow run (method: stream)', samples.stream, true, '');
      row('    of which the run (results.json)', samples.streamInner, false, '');
    }
    console.log(`\ntimes: median, min, max of ${repeat} runs (stream: ${samples.stream.length}); ratio = NumPy median / this median, ratio(min) = NumPy min / this min (> 1: faster than NumPy)`);
    console.log(formatTable(['measurement', 'median', 'min', 'max', 'ratio', 'ratio(min)', 'note'], rows));
    // Each round runs (a), (b), (c) back to back, so a per-round ratio cancels slow phases of the machine.
    const paired = (list) => list.map((ms, round) => samples.numpy[round] / ms);
    const pairedLine = (name, list) => `${name} ${paired(list).map((r) => `${r.toFixed(2)}×`).join(', ')} (median ${median(paired(list)).toFixed(2)}×)`;
    console.log(`per-round ratios NumPy / veriflow: ${pairedLine('(b)', samples.veriflow)}${samples.stream.length ? `; ${pairedLine('(c)', samples.stream)}` : ''}`);

    const steps = (res) => Object.entries(res.stepMs).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(2)} s`).join(', ');
    console.log(`\nveriflow step time (sum over instances, first round; 2 run at once): ${steps(veriflowResult)}`);
    console.log(`  verify engines logged: ${veriflowMethods}`);
    if (streamResult) {
      console.log(`stream step time (sum over instances, first round): ${steps(streamResult)}`);
      console.log(`  verify engines logged: ${streamMethods}`);
    }

    // Memory.
    console.log(`\npeak RSS (${existsSync(TIME_BIN) ? `${TIME_BIN} -v` : 'not measured: no ' + TIME_BIN}), max over rounds:`);
    console.log(`  (a) NumPy                ${mib(Math.max(...rss.numpy))}`);
    console.log(`  (b) veriflow, ${cells} cells   ${mib(Math.max(...rss.veriflow))}  (rounds: ${rss.veriflow.map(mib).join(', ')})`);
    if (rss4) {
      const growth = rss4.rssKiB / Math.max(...rss.veriflow);
      console.log(`  (b) veriflow, ${4 * cells} cells  ${mib(rss4.rssKiB)}  → ${growth.toFixed(2)}× the ${cells}-cell peak: ${growth <= 1.25 ? 'does not grow with the number of cells' : 'GROWS with the number of cells'}`);
    }
    if (rss.stream.length) console.log(`  (c) veriflow, stream     ${mib(Math.max(...rss.stream))}`);

    // Statistical agreement.
    const implementations = [['NumPy', numpyResult.cells], ['veriflow', veriflowResult.cells]];
    if (streamResult) implementations.push(['stream', streamResult.cells]);
    console.log(`\naccuracy Φ(wᵀμ/‖w‖) per cell (first round; columns: ${implementations.map(([name]) => name).join(' / ')})`);
    const lookups = implementations.map(([, list]) => new Map(list.map((cell) => [cellKey(cell), cell])));
    const header = ['p', ...Object.keys(VERIFIERS)];
    const accuracyRows = [...new Set(numpyResult.cells.map((cell) => cell.p))].sort((x, y) => x - y).map((p) => [
      String(p),
      ...Object.keys(VERIFIERS).map((verifier) => lookups.map((lookup) => lookup.get(`${p}|${verifier}|1`)?.accuracy.toFixed(3) ?? '-').join(' / ')),
    ]);
    console.log(formatTable(header, accuracyRows));

    const measuredTransitions = implementations.map(([name, list]) => [name, transitions(list)]);
    console.log('\ntransition (first p with accuracy < 0.5, interpolated) vs predicted p* = φ/(φ+ψ):');
    for (const verifier of Object.keys(VERIFIERS)) {
      const parts = measuredTransitions.map(([name, t]) => `${name} ${t[verifier] === null ? 'none' : t[verifier].toFixed(3)}`);
      console.log(`  ${verifier.padEnd(11)} predicted ${VERIFIERS[verifier] >= 1 ? 'none (1)' : VERIFIERS[verifier].toFixed(3)}; ${parts.join(', ')}`);
    }
    let transitionsAgree = true;
    for (const verifier of Object.keys(VERIFIERS)) {
      const values = measuredTransitions.map(([, t]) => t[verifier]);
      if (values.every((v) => v === null)) continue;
      if (values.some((v) => v === null) || Math.max(...values) - Math.min(...values) > TOLERANCE) transitionsAgree = false;
    }

    const spread = new Map();
    for (const cell of numpyResult.cells) {
      const key = `${cell.p}|${cell.verifier}`;
      if (!spread.has(key)) spread.set(key, accuracySpread(cell.p, VERIFIERS[cell.verifier], { n: n ?? 50000, d: 200, muNorm: 1.555, lambda: 1e-3 }));
    }
    console.log(`\nper-cell agreement: |Δ accuracy| ≤ ${TOLERANCE}, else within ${SIGMAS}σ of sampling noise (σ of the difference of two draws; the approximate sd per cell is 0.000–${Math.max(...spread.values()).toFixed(3)}, largest at p = p*):`);
    let cellsAgree = true;
    for (let i = 0; i < implementations.length; i++) {
      for (let j = i + 1; j < implementations.length; j++) {
        const result = compare(implementations[i][1], implementations[j][1], spread);
        if (result.withinNoise !== result.count) cellsAgree = false;
        console.log(`  ${implementations[i][0]} vs ${implementations[j][0]}: ${result.within}/${result.count} within ±${TOLERANCE}, ${result.withinNoise}/${result.count} within max(±${TOLERANCE}, ${SIGMAS}σ); max |Δ| ${result.maxDiff.toFixed(4)} at ${result.maxAt}; mean Δ ${result.meanDiff >= 0 ? '+' : ''}${result.meanDiff.toFixed(4)}`);
        if (result.beyond.length) console.log(`    beyond ±${TOLERANCE}: ${result.beyond.join('; ')}`);
      }
    }
    console.log(`  → accuracies ${cellsAgree ? 'agree' : 'DISAGREE'} cell by cell; transitions ${transitionsAgree ? `agree (within ±${TOLERANCE} of each other)` : 'DISAGREE'}`);

    // Profile of one streaming run.
    let profile;
    if (values.profile && !values['skip-stream']) {
      const dir = join(scratch, 'cpu-prof');
      mkdirSync(dir);
      const prof = await measured('veriflow run (stream, --cpu-prof)', process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, 'run', streamFile, '--workspace', join(scratch, 'ws-stream-prof'), ...setN]);
      profile = profileSummary(dir, 15);
      console.log(`\nCPU profile of one stream run (${seconds(prof.ms)} under the profiler):\n${profile}`);
    }

    console.log(`\ntotal benchmark time ${seconds(performance.now() - started)}; load average now ${loadText()}`);
    if (values.json) {
      writeFileSync(values.json, JSON.stringify({ samples, rss, rss4x: rss4?.rssKiB, numpy: numpyInfo, removedVariables: removed, transitions: Object.fromEntries(measuredTransitions), ratio: ratioB }, null, 2));
    }
  } finally {
    if (values.keep) console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof BenchError ? `bench failed: ${error.message}` : error);
  process.exitCode = 1;
});
