#!/usr/bin/env node
// Builds the optional native addon (libs/ml/native/*.c: OpenBLAS matmuls and fused training kernels) into
// libs/ml/dist/native/veriflow-native.node. Optional by design: without a C compiler or Node-API headers it
// says why and exits 0, and the engine runs on wasm alone. OpenBLAS itself is only needed at run time
// (the addon dlopen()s it), so the build needs no BLAS package; once the addon is built, the build puts
// PyPI's scipy-openblas32 library beside it (scripts/fetch-openblas.js), so no root-only install is needed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchAndReport } from './fetch-openblas.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'libs/ml/native');
const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.c')).sort().map((f) => join(sourceDir, f));
const headers = readdirSync(sourceDir).filter((f) => f.endsWith('.h')).map((f) => join(sourceDir, f));
const target = join(root, 'libs/ml/dist/native/veriflow-native.node');

function headerDir() {
  // Node's own headers (Debian's nodejs ships them; so do the official tarballs), else node-api-headers.
  const beside = join(dirname(process.execPath), '..', 'include', 'node');
  if (existsSync(join(beside, 'node_api.h'))) return beside;
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('node-api-headers/package.json')), 'include');
    if (existsSync(join(dir, 'node_api.h'))) return dir;
  } catch {
    // not installed: reported below
  }
  return null;
}

function compiler() {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {
      // try the next one
    }
  }
  return null;
}

const required = process.env.VERIFLOW_REQUIRE_NATIVE === '1';
const skip = (why) => {
  // CI sets VERIFLOW_REQUIRE_NATIVE=1 where a compiler is installed: there a skip is a failure.
  if (required) {
    console.error(`native addon: not built (${why}), but VERIFLOW_REQUIRE_NATIVE=1`);
    process.exit(1);
  }
  console.log(`native addon: skipped (${why}); the engine uses its wasm kernels`);
  process.exit(0);
};

const script = fileURLToPath(import.meta.url);
const newest = Math.max(...[...sources, ...headers, script].map((f) => statSync(f).mtimeMs));
if (existsSync(target) && statSync(target).mtimeMs >= newest) {
  fetchAndReport({ required });
  process.exit();
}
// From here on a stale addon must not survive a failed or skipped build (tests would run old code).
rmSync(target, { force: true });
rmSync(join(dirname(target), 'veriflow-blas.node'), { force: true }); // its name before the fused kernels
if (process.platform !== 'linux') skip(`only built on Linux, this is ${process.platform}`);
const include = headerDir();
if (include == null) skip('no Node-API headers: neither beside node nor the node-api-headers package');
const cc = compiler();
if (cc == null) skip('no C compiler (cc, gcc or clang) on PATH');

mkdirSync(dirname(target), { recursive: true });
const temp = `${target}.${process.pid}.tmp`;
try {
  // No -ffast-math: the kernels must give the same numbers run after run (see kernels.c on reductions).
  // -std=c11, not gnu11: under gcc it implies -ffp-contract=off, so a·b + c is never fused behind our back and
  // the kernels give the same bits with or without FMA (clang contracts within an expression unless told
  // -ffp-contract=off, hence the flag below); small-gemm.c asks for FMA where it wants it.
  const flags = ['-O3', '-std=c11', '-D_GNU_SOURCE', '-fPIC', '-shared', '-Wall', '-Wextra', '-Wno-unused-parameter', '-fno-math-errno', '-fno-trapping-math', '-ffp-contract=off'];
  execFileSync(cc, [...flags, '-I', include, ...sources, '-o', temp, '-ldl', '-lpthread', '-lm'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  renameSync(temp, target);
  console.log(`native addon: built ${target.slice(root.length + 1)}`);
} catch (error) {
  skip(`${cc} failed: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
}
fetchAndReport({ required });
