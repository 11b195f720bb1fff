#!/usr/bin/env node
// Puts OpenBLAS beside the native addon (libs/ml/dist/native/openblas/libscipy_openblas.so), from PyPI's
// scipy-openblas32 wheel, so the fast engine needs no root-only `apt-get install libopenblas0`. The addon
// loads this copy first (libs/ml/native/openblas.c). Run by scripts/build-native.js; on its own:
//
//   node scripts/fetch-openblas.js [--dir DIR]
//
// pip does the download (the index it is configured with) and checks the wheel against the sha256 digests
// pinned below. pip in python3 is tried first, then a throwaway venv's (Debian splits pip and venv into
// separate packages; either one is enough). Nothing is downloaded at run time. A failure (offline, no
// Python) says why and what to do, and exits 0: the engine then runs without OpenBLAS, and says so.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIR = join(root, 'libs/ml/dist/native/openblas');
export const LIBRARY = 'libscipy_openblas.so';
export const WHEEL = 'scipy-openblas32';
export const VERSION = '0.3.34.481.3';
// sha256 of the Linux wheels of VERSION (manylinux and musllinux, x86_64 and aarch64); pip picks the one for
// this machine and refuses any file whose digest is not listed.
const DIGESTS = [
  '0595f94cd58c1f8a0d90c975621f4587337a003916b1979e834ebdf2cb5d9504',
  'e085dddbc5b9aa130f83def515d31c440e69f387a90c7e63b154a5575b4466bc',
  '46fac855d3c05004f9ee111eeeeb0aeb076c6411fc6f87c34a49b8ba729c4c38',
  '88b00ba6a232fe958695403f6f71858fb23c3c9ce561c467e787e5d46ace16ca',
];
const STAMP = 'version';
const PIP_TIMEOUT_MS = 180_000;

export const FIX = 'node scripts/fetch-openblas.js (or: apt-get install libopenblas0)';

/** Whether `dir` holds the library of VERSION (the stamp is written after a complete copy). */
export function present(dir = DEFAULT_DIR) {
  const stamp = join(dir, STAMP);
  return existsSync(join(dir, LIBRARY)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === `${WHEEL}==${VERSION}`;
}

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: PIP_TIMEOUT_MS });
  if (result.error) return { ok: false, why: result.error.message };
  const tail = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ');
  return result.status === 0 ? { ok: true } : { ok: false, why: `exit ${result.status ?? result.signal}: ${tail}` };
}

function pipInstall(python, requirements, target) {
  return run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '--require-hashes', '--target', target, '-r', requirements]);
}

/** Installs the wheel into a scratch folder with python's pip, else a throwaway venv's; its library, or why not. */
function installWheel(scratch, python) {
  const requirements = join(scratch, 'requirements.txt');
  writeFileSync(requirements, `${WHEEL}==${VERSION} ${DIGESTS.map((d) => `--hash=sha256:${d}`).join(' ')}\n`);
  const target = join(scratch, 'target');
  let pip = python;
  if (!run(python, ['-m', 'pip', '--version']).ok) {
    const venv = join(scratch, 'venv');
    const made = run(python, ['-m', 'venv', venv]);
    if (!made.ok) return { why: `${python} has no pip, and \`${python} -m venv\` failed (${made.why}); on Debian: apt-get install python3-venv` };
    pip = join(venv, 'bin/python');
  }
  const installed = pipInstall(pip, requirements, target);
  return installed.ok ? { library: join(target, 'scipy_openblas32/lib', LIBRARY) } : { why: `pip install ${WHEEL}==${VERSION}: ${installed.why}` };
}

/**
 * Makes sure `dir` holds the pinned library. Returns { ok: true, fetched } or { ok: false, reason }; never
 * throws for a failed download or a missing Python.
 */
export function fetchOpenblas({ dir = DEFAULT_DIR, python = process.env.PYTHON || 'python3' } = {}) {
  if (present(dir)) return { ok: true, fetched: false };
  if (process.platform !== 'linux') return { ok: false, reason: `only fetched on Linux, this is ${process.platform}` };
  mkdirSync(dirname(dir), { recursive: true });
  const scratch = mkdtempSync(`${dir}.fetch-`);
  try {
    const installed = installWheel(scratch, python);
    if (installed.library === undefined) return { ok: false, reason: installed.why };
    if (!existsSync(installed.library)) return { ok: false, reason: `the wheel holds no ${LIBRARY} (looked for ${installed.library})` };
    // Copied into a fresh folder that replaces `dir` in one rename: a half-copied library is never loaded.
    const staged = join(scratch, 'staged');
    mkdirSync(staged);
    copyFileSync(installed.library, join(staged, LIBRARY));
    writeFileSync(join(staged, STAMP), `${WHEEL}==${VERSION}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staged, dir);
    return { ok: true, fetched: true };
  } catch (error) {
    // A build running beside this one may have put the library there first.
    if (present(dir)) return { ok: true, fetched: false };
    return { ok: false, reason: `could not put the library into ${dir}: ${error instanceof Error ? error.message : error}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Fetches and prints what happened (silent when the library was already there, unless `verbose`); sets exit
 * code 1 only when `required` and it failed.
 */
export function fetchAndReport({ dir = DEFAULT_DIR, required = false, verbose = false } = {}) {
  const shown = join(dir.startsWith(root) ? dir.slice(root.length + 1) : dir, LIBRARY);
  const result = fetchOpenblas({ dir });
  if (result.ok) {
    if (result.fetched) console.log(`OpenBLAS: ${WHEEL}==${VERSION} from PyPI into ${shown}`);
    else if (verbose) console.log(`OpenBLAS: ${WHEEL}==${VERSION} already in ${shown}`);
    return true;
  }
  const message = `OpenBLAS: ${WHEEL} not fetched (${result.reason}); the engine will run without OpenBLAS, several times slower. Fix: ${FIX}`;
  if (required) {
    console.error(`${message}; VERIFLOW_REQUIRE_NATIVE=1 makes this an error`);
    process.exitCode = 1;
    return false;
  }
  console.log(message);
  return false;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { dir: { type: 'string' } } });
  fetchAndReport({ dir: values.dir ? resolve(values.dir) : DEFAULT_DIR, required: process.env.VERIFLOW_REQUIRE_NATIVE === '1', verbose: true });
}
