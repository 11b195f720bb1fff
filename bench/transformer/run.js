#!/usr/bin/env node
// Transformer training throughput: veriflow's eigen transformer (libs/eigen/dist, tfjs-core on the engine
// of @veriflow/ml/engine) in this process against the same model in PyTorch (bench/transformer/torch_model.py).
//
//   bash bench/transformer/run.sh [options]      # venv with torch (if missing), build, then this
//   node bench/transformer/run.js [options]      # the same without set-up or build
//
// Default config = eigen/train's defaults on 5×5 matrices: dim 64, 2 heads, 2 encoder / 1 decoder layers,
// post-LN, batch 32, source 77 tokens, decoder 18 (BOS + 17), vocabulary 1306, Adam, clip 5.
// Per round: veriflow (in-process, `--warmup` untimed steps then `--steps` timed), then PyTorch (fresh
// process, same), alternating which goes first. Reports the medians over rounds and the ratio
// veriflow / PyTorch (target ≥ 1.0, issue 14: a fresh machine after `npm ci && npm run demo`).
//   --profile      also run veriflow's steps under `node --cpu-prof` (a child process) and summarise the
//                  profile, plus a per-kernel breakdown from tf.profile (kernel wall time, forward and
//                  backward kernels alike)
//   --no-torch     veriflow only (e.g. when torch cannot be installed)
//   --only-veriflow-steps   internal: the child run under --cpu-prof
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median, positiveInteger } from '../lib/measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TORCH_SCRIPT = join(ROOT, 'bench/transformer/torch_model.py');
// On the CPU the target is PyTorch's throughput (issue 14); with --device gpu half of PyTorch CUDA's (issue 11).
const cpuTarget = 1.0;
const gpuTarget = 0.5;

const { values: opt } = parseArgs({
  options: {
    python: { type: 'string', default: join(ROOT, 'bench/.venv/bin/python') },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5' },
    steps: { type: 'string', default: '30' },
    batch: { type: 'string', default: '32' },
    dim: { type: 'string', default: '64' },
    heads: { type: 'string', default: '2' },
    'encoder-layers': { type: 'string', default: '2' },
    'decoder-layers': { type: 'string', default: '1' },
    'matrix-dim': { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    device: { type: 'string', default: 'auto' },
    profile: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    'only-veriflow-steps': { type: 'boolean', default: false },
    'kernel-steps': { type: 'string', default: '3' },
  },
});
const int = (k) => positiveInteger(`--${k}`, opt[k]);
const rounds = int('rounds');
const warmup = int('warmup');
const steps = int('steps');
const batchSize = int('batch');
const n = int('matrix-dim');
const onGpu = opt.device === 'gpu';
const TARGET = onGpu ? gpuTarget : cpuTarget;

// Same thread count on both sides: the native kernels (pool.c; OpenBLAS 1 thread inside each part) get the threads PyTorch gets. The wasm
// kernels themselves are single-threaded in Node.
process.env.VERIFLOW_BLAS_THREADS ??= opt.threads;
const eigen = await import(pathToFileURL(join(ROOT, 'libs/eigen/dist/index.js')).href);
const { initEngine, tf } = await import('@veriflow/ml/engine');
const { Transformer, Trainer, makeBatch, encodedLength, VOCABULARY_SIZE } = eigen;

const srcLen = encodedLength(n, n); // 77 for 5×5
const tgtLen = encodedLength(n, 1); // 17 (the decoder reads BOS + 17)
const maxLen = Math.max(srcLen, tgtLen + 1);
const config = { dim: int('dim'), heads: int('heads'), encoderLayers: int('encoder-layers'), decoderLayers: int('decoder-layers'), maxLen, vocab: VOCABULARY_SIZE, norm: 'post' };

// Synthetic pairs: random non-special ids, full length (real 5×5 pairs are all full length too).
function randomBatches(count, seed) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
  const id = () => 3 + (next() % (VOCABULARY_SIZE - 3));
  return Array.from({ length: count }, () =>
    makeBatch(Array.from({ length: batchSize }, () => ({ input: Array.from({ length: srcLen }, id), target: Array.from({ length: tgtLen }, id) }))),
  );
}

const engine = await initEngine({ device: opt.device });

async function veriflowRun() {
  const model = new Transformer(config, 1);
  const trainer = new Trainer(model, { lr: 5e-4, warmup: 100, totalSteps: 100000, minLrFraction: 0.05, clip: 5 });
  const batches = randomBatches(4, 7);
  let first = NaN;
  let last = NaN;
  for (let i = 0; i < warmup; i++) {
    const r = await trainer.trainStep(batches[i % batches.length]);
    if (i === 0) first = r.loss;
  }
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    last = (await trainer.trainStep(batches[(warmup + i) % batches.length])).loss;
    times.push(performance.now() - t0);
  }
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  const parameters = model.parameterCount;
  const numTensors = tf.memory().numTensors;
  trainer.dispose();
  model.dispose();
  times.sort((a, b) => a - b);
  return { parameters, firstLoss: first, lastLoss: last, seconds, samplesPerSecond: (batchSize * steps) / seconds, medianStepMs: times[times.length >> 1], numTensors };
}

if (opt['only-veriflow-steps']) {
  const r = await veriflowRun();
  console.log(JSON.stringify(r));
  process.exit(0);
}

function torchRun(threads = opt.threads) {
  const args = [TORCH_SCRIPT, '--dim', opt.dim, '--heads', opt.heads, '--encoder-layers', opt['encoder-layers'], '--decoder-layers', opt['decoder-layers'], '--vocab', String(VOCABULARY_SIZE), '--max-len', String(maxLen), '--src-len', String(srcLen), '--tgt-len', String(tgtLen), '--batch', String(batchSize), '--warmup', String(warmup), '--steps', String(steps), '--threads', String(threads), '--device', onGpu ? 'cuda' : 'cpu'];
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const p = spawnSync(opt.python, args, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (p.status !== 0) throw new Error(`torch_model.py failed (${p.status}): ${p.stderr.slice(-2000)}`);
  const line = p.stdout.trim().split('\n').pop();
  const r = JSON.parse(line);
  return { parameters: r.parameters, firstLoss: r.first_loss, lastLoss: r.last_loss, seconds: r.seconds, samplesPerSecond: r.samples_per_second, medianStepMs: r.median_step_ms, maxStepMs: r.max_step_ms, torch: r.torch, threads: r.threads, interop: r.interop_threads, device: r.device };
}


console.log(`host: ${cpus().length}× ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}, Node ${process.version}`);
console.log(`engine: ${engine.label} (${engine.detail}); kernels: ${engine.kernels.join('; ')}`);
// Which code paths ran: the build of the fused kernels the CPU dispatched to, and OpenBLAS's library and core.
console.log(`code paths: fused kernels ${engine.fused.used ? `${engine.fused.clone} build, dense products on ${engine.fused.smallGemm === 'off' ? 'OpenBLAS (VERIFLOW_SMALL_GEMM=off)' : `the small-matrix kernel (${engine.fused.smallGemm} build)`}` : `not used (${engine.fused.reason})`}; OpenBLAS ${engine.blas.used ? `${engine.blas.reason}` : `not used (${engine.blas.reason})`}`);
console.log(`config: dim ${config.dim}, ${config.heads} heads, ${config.encoderLayers}+${config.decoderLayers} layers, post-LN, vocab ${config.vocab}, src ${srcLen}, tgt ${tgtLen + 1}, batch ${batchSize}; ${warmup} warm-up + ${steps} timed steps, ${rounds} rounds`);

const results = { veriflow: [], torch: [], torch1: [] };
const withTorch = !opt['no-torch'];
for (let r = 0; r < rounds; r++) {
  // On the GPU the one-thread PyTorch run says nothing about the kernels' thread count, so it is left out.
  const peers = onGpu ? ['torch'] : ['torch', 'torch1'];
  const order = withTorch ? (r % 2 === 0 ? ['veriflow', ...peers] : [...peers].reverse().concat('veriflow')) : ['veriflow'];
  for (const who of order) {
    const res = who === 'veriflow' ? await veriflowRun() : torchRun(who === 'torch1' ? '1' : opt.threads);
    results[who].push(res);
    console.log(`  round ${r + 1} ${who.padEnd(8)} ${res.samplesPerSecond.toFixed(1).padStart(8)} samples/s  median step ${res.medianStepMs.toFixed(1)} ms${res.maxStepMs !== undefined ? ` (max ${res.maxStepMs.toFixed(0)})` : ''}  loss ${res.firstLoss.toFixed(3)} → ${res.lastLoss.toFixed(3)}  params ${res.parameters}`);
  }
}

const v = median(results.veriflow.map((x) => x.samplesPerSecond));
console.log('\n| | samples/s (median) | step ms (median) | parameters | threads |');
console.log('| --- | ---: | ---: | ---: | --- |');
console.log(`| veriflow (${engine.label}) | ${v.toFixed(1)} | ${median(results.veriflow.map((x) => x.medianStepMs)).toFixed(1)} | ${results.veriflow[0].parameters} | ${engine.blas.used ? `${engine.blas.threads} (native kernels and their sgemm products), ` : ''}${engine.wasm ? engine.wasm.threads : '?'} (wasm kernels) |`);
if (withTorch) {
  const t = median(results.torch.map((x) => x.samplesPerSecond));
  const t0 = results.torch[0];
  console.log(`| PyTorch ${t0.torch}${onGpu ? ` CUDA (${t0.device}, float32, no TF32)` : ''} | ${t.toFixed(1)} | ${median(results.torch.map((x) => x.medianStepMs)).toFixed(1)} | ${t0.parameters} | ${t0.threads} intra, ${t0.interop} interop |`);
  const t1 = results.torch1[0];
  if (t1) console.log(`| PyTorch, 1 thread (the fused kernels' count) | ${median(results.torch1.map((x) => x.samplesPerSecond)).toFixed(1)} | ${median(results.torch1.map((x) => x.medianStepMs)).toFixed(1)} | ${t1.parameters} | ${t1.threads} intra, ${t1.interop} interop |`);
  const ratio = v / t;
  const tm = median(results.torch.map((x) => (1000 * batchSize) / x.medianStepMs));
  const vm = median(results.veriflow.map((x) => (1000 * batchSize) / x.medianStepMs));
  const against1 = t1 ? `; against PyTorch on 1 thread: ${(v / median(results.torch1.map((x) => x.samplesPerSecond))).toFixed(3)}` : '';
  console.log(`\nratio veriflow / PyTorch (${onGpu ? 'CUDA' : `${opt.threads} threads`}): ${ratio.toFixed(3)} (target ≥ ${TARGET}: ${ratio >= TARGET ? 'met' : 'NOT met'}); from median step times: ${(vm / tm).toFixed(3)}${against1}`);
  if (t0.parameters !== results.veriflow[0].parameters) console.log(`WARNING: parameter counts differ (${results.veriflow[0].parameters} vs ${t0.parameters})`);
}

if (opt.profile) {
  // Per-kernel wall time (tf.profile wraps every kernel, forward and backward, in backend.time()).
  const model = new Transformer(config, 1);
  const trainer = new Trainer(model, { lr: 5e-4, warmup: 100, totalSteps: 100000, clip: 5 });
  const batches = randomBatches(2, 9);
  for (let i = 0; i < 3; i++) await trainer.trainStep(batches[i % 2]);
  const byKernel = new Map();
  const kernelSteps = int('kernel-steps');
  let wall = 0;
  for (let i = 0; i < kernelSteps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await trainer.trainStep(batches[i % 2]);
    });
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const ms = await k.kernelTimeMs;
      const key = k.name;
      const e = byKernel.get(key) ?? { ms: 0, calls: 0, shapes: new Map() };
      e.ms += typeof ms === 'number' ? ms : 0;
      e.calls++;
      const sh = JSON.stringify(k.inputShapes);
      e.shapes.set(sh, (e.shapes.get(sh) ?? 0) + (typeof ms === 'number' ? ms : 0));
      byKernel.set(key, e);
    }
  }
  trainer.dispose();
  model.dispose();
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`\ntf.profile over ${kernelSteps} steps: kernels ${(total / kernelSteps).toFixed(1)} ms/step of ${(wall / kernelSteps).toFixed(1)} ms/step wall under profiling (the rest: tfjs engine bookkeeping, tape, JS)`);
  console.log('| kernel | ms/step | % of kernel time | calls/step | heaviest input shapes (ms/step) |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
    const shapes = [...e.shapes].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([s, ms]) => `${s} ${(ms / kernelSteps).toFixed(1)}`).join('; ');
    console.log(`| ${name} | ${(e.ms / kernelSteps).toFixed(2)} | ${((100 * e.ms) / total).toFixed(1)} | ${e.calls / kernelSteps} | ${shapes} |`);
  }

  // How much of a step the native kernels take (fused ops and OpenBLAS products; tf.profile's timing inflates
  // small kernels a little), and how many kernels a step runs: each costs tfjs bookkeeping besides its work.
  const nativeMs = [...byKernel].filter(([name]) => name.startsWith('Veriflow')).reduce((a, [, e]) => a + e.ms, 0);
  const kernelCalls = [...byKernel].filter(([name]) => !name.endsWith('__op') && name !== 'unnamed scope').reduce((a, [, e]) => a + e.calls, 0);
  console.log(`\nnative fused kernels: ${(nativeMs / kernelSteps).toFixed(1)} ms of a ${(wall / kernelSteps).toFixed(1)} ms step under profiling; ${kernelCalls / kernelSteps} kernels per step (engine: ${engine.label})`);

  // V8 CPU profile of a child process doing the same steps.
  const dir = mkdtempSync(join(tmpdir(), 'vf-transformer-prof-'));
  const child = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), '--only-veriflow-steps', '--warmup', String(warmup), '--steps', String(steps), '--batch', String(batchSize), '--dim', opt.dim, '--heads', opt.heads, '--encoder-layers', opt['encoder-layers'], '--decoder-layers', opt['decoder-layers'], '--matrix-dim', opt['matrix-dim'], '--device', opt.device], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`profiled child failed: ${child.stderr.slice(-2000)}`);
  console.log(`\n--cpu-prof child: ${child.stdout.trim()}`);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const summary = spawnSync(process.execPath, [join(ROOT, 'bench/runner/profile-summary.js'), join(dir, file), '--top', '25'], { encoding: 'utf8' });
  console.log(summary.stdout);
  if (process.env.KEEP_PROFILE) console.log(`profile kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
