// Which OpenBLAS the addon loads (the scipy-openblas32 copy the build fetches, VERIFLOW_OPENBLAS, the system's),
// what a run says when there is none, and which build of the fused kernels the CPU runs. The addon loads its
// library once per process, so each case runs in a child process with its own environment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { GemmProblem } from './kernels/matmul-transposed.js';
import { ADDON_PATH } from './native-addon.js';
import { nativeSkip, randomValues, referenceAccelerator } from './test-helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const WHEEL_LIBRARY = join(dirname(ADDON_PATH), 'openblas/libscipy_openblas.so');
const ENGINE = new URL('./index.js', import.meta.url).href;
const WARNING = /^veriflow: warning: .*, so the engine runs without OpenBLAS/;

const addonSkip = nativeSkip(existsSync(ADDON_PATH) ? false : `native addon not built (${ADDON_PATH})`);
// `npm run build` fetches the wheel; offline it cannot (and says so), and these skip with the reason.
const wheelSkip = addonSkip || nativeSkip(existsSync(WHEEL_LIBRARY) ? false : `scipy-openblas32 not fetched (${WHEEL_LIBRARY}): run node scripts/fetch-openblas.js`);

/** Runs an ES module snippet in a fresh Node with `env` added; returns its stdout, stderr and status. */
function child(code: string, env: Record<string, string> = {}): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function addonStatus(env: Record<string, string>): { ok: boolean; library?: string; error?: string; clone: string } {
  const run = child(`import { createRequire } from 'node:module'; console.log(JSON.stringify(createRequire(import.meta.url)(${JSON.stringify(ADDON_PATH)}).status()));`, env);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { ok: boolean; library?: string; error?: string; clone: string };
}

describe('OpenBLAS from the scipy-openblas32 wheel', { skip: wheelSkip }, () => {
  it('is the library the addon loads by default', () => {
    const status = addonStatus({ VERIFLOW_OPENBLAS: '' });
    assert.equal(status.ok, true, status.error);
    assert.equal(status.library, WHEEL_LIBRARY);
  });

  it('computes sgemm through its scipy_-prefixed symbols, for every transpose, as a JS reference does', () => {
    const [m, n, k] = [37, 41, 29];
    const a = randomValues(m * k, 5);
    const b = randomValues(k * n, 6);
    const cases = [false, true].flatMap((transA) => [false, true].map((transB) => ({ transA, transB })));
    const code = `
      import { createRequire } from 'node:module';
      const addon = createRequire(import.meta.url)(${JSON.stringify(ADDON_PATH)});
      const [a, b] = [new Float32Array(${JSON.stringify([...a])}), new Float32Array(${JSON.stringify([...b])})];
      const outs = ${JSON.stringify(cases)}.map(({ transA, transB }) => {
        const out = new Float32Array(${m * n});
        addon.sgemmBatched(transA, transB, ${m}, ${n}, ${k}, a, b, out, new Int32Array([0]), new Int32Array([0]));
        return [...out];
      });
      console.log(JSON.stringify({ status: addon.status(), outs }));`;
    const run = child(code, { VERIFLOW_OPENBLAS: WHEEL_LIBRARY });
    assert.equal(run.status, 0, run.stderr);
    const { status, outs } = JSON.parse(run.stdout) as { status: { library: string }; outs: number[][] };
    assert.equal(status.library, WHEEL_LIBRARY);
    const reference = referenceAccelerator([]);
    cases.forEach(({ transA, transB }, i) => {
      const problem: GemmProblem = { batch: 1, m, n, k, transposeA: transA, transposeB: transB, aBatchIndex: new Int32Array([0]), bBatchIndex: new Int32Array([0]) };
      const want = new Float32Array(m * n);
      // The same values read as the transposed layouts: only the product's definition changes.
      reference.run(problem, a, b, want);
      const got = outs[i] as number[];
      const worst = got.reduce((w, v, j) => Math.max(w, Math.abs(v - (want[j] as number))), 0);
      assert.ok(worst < 1e-4, `transA ${transA}, transB ${transB}: max abs diff ${worst}`);
    });
  });
});

describe('without OpenBLAS', { skip: addonSkip }, () => {
  const engineRun = `
    import { initEngine, predictEngineLabel, tf } from ${JSON.stringify(ENGINE)};
    const predicted = predictEngineLabel('cpu');
    await initEngine({ device: 'cpu', native: false });
    const engine = await initEngine({ device: 'cpu', native: false });
    const product = tf.matMul(tf.ones([4, 3]), tf.ones([3, 2])).dataSync();
    console.log(JSON.stringify({ predicted, label: engine.label, blas: engine.blas, product: [...product] }));`;

  it('says so once, naming what is missing and the command that fixes it, and runs on wasm', () => {
    const run = child(engineRun, { VERIFLOW_OPENBLAS: '/nonexistent/libopenblas.so.0' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { predicted: string; label: string; blas: { used: boolean; reason: string }; product: number[] };
    assert.equal(result.label, 'wasm+fused');
    assert.equal(result.predicted, 'wasm+fused');
    assert.match(result.blas.reason, /OpenBLAS not found \(\/nonexistent\/libopenblas\.so\.0: cannot open/);
    assert.deepEqual(result.product, [3, 3, 3, 3, 3, 3, 3, 3]);
    const warnings = run.stderr.split('\n').filter((line) => WARNING.test(line));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0] as string, /^veriflow: warning: OpenBLAS not found \(\/nonexistent\/libopenblas\.so\.0: .*Fix: node scripts\/fetch-openblas\.js/);
  });

  it('stays quiet when VERIFLOW_BLAS=off chose the wasm kernels', () => {
    const run = child(engineRun, { VERIFLOW_BLAS: 'off' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { label: string; blas: { used: boolean; reason: string }; product: number[] };
    assert.equal(result.label, 'wasm');
    assert.match(result.blas.reason, /switched off \(VERIFLOW_BLAS=off\)/);
    assert.deepEqual(result.product, [3, 3, 3, 3, 3, 3, 3, 3]);
    assert.ok(!run.stderr.split('\n').some((line) => WARNING.test(line)), run.stderr);
  });
});

describe('fused kernel builds', { skip: addonSkip }, () => {
  it('runs the build for the best instruction set this CPU has (by feature, on AMD and Intel alike)', () => {
    const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/));
    const want = process.arch !== 'x64' ? /^single build/ : flags.has('avx512f') ? /^avx512f$/ : flags.has('avx2') ? /^avx2$/ : /^default$/;
    assert.match(addonStatus({}).clone, want);
  });
});

describe('scripts/fetch-openblas.js', () => {
  it('exits 0 with the reason and the fix when the package index cannot be reached, leaving nothing behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vf-openblas-'));
    try {
      const target = join(dir, 'openblas');
      // A closed port on loopback: pip fails at once, as offline.
      const env = { ...process.env, PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_FIND_LINKS: '', PIP_RETRIES: '0', PIP_NO_CACHE_DIR: '1' };
      const run = spawnSync(process.execPath, [join(ROOT, 'scripts/fetch-openblas.js'), '--dir', target], { encoding: 'utf8', env: { ...env, VERIFLOW_REQUIRE_NATIVE: '' } });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /OpenBLAS: scipy-openblas32 not fetched \(.+\); the engine will run without OpenBLAS.*Fix: node scripts\/fetch-openblas\.js/);
      assert.equal(existsSync(target), false);
      assert.deepEqual(readdirSync(dir), [], 'no scratch folder left behind');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

