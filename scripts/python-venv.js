#!/usr/bin/env node
// Pinned Python virtual environments that tests and benchmarks need, in the repo root: `.venv-mlflow`
// (a real MLflow server), `.venv-rouge` (Google's rouge-score, the reference for libs/xlsum's ROUGE) and
// `.venv-llm` (torch and transformers for libs/xlsum/python's LLM steps) and `.venv-snakemake` (Snakemake
// and its Slurm executor plugin, the peer of bench/slurm).
// `ensureVenv(spec)` installs one when it is missing (concurrent callers wait for one install);
// `venvAvailability(spec)` says whether its tests can run, and under the spec's VERIFLOW_REQUIRE_* = 1
// (set by .ci/run) a failed install throws instead of letting the suites skip.
// CLI: `node scripts/python-venv.js install rouge` installs one and prints its python.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(import.meta.dirname, '..');

/**
 * @typedef {object} VenvSpec
 * @property {string} name        what it holds, in messages ("mlflow")
 * @property {string} venv        its directory
 * @property {string[]} packages  pip requirements, pinned
 * @property {string} marker      a file in the venv written after a complete install
 * @property {string} [version]   the marker's content, a different one reinstalls (default: the packages, space-separated)
 * @property {string} [installTime] what a first install costs, said while it runs (default "about a minute")
 * @property {string} bin         the executable that must exist afterwards, relative to the venv
 * @property {string} requireVar  the environment variable that makes a failed install an error
 * @property {string} suites      the tests that need it, in messages
 * @property {string} installHint the command that installs it by hand
 */

/** @type {Record<string, VenvSpec>} */
export const VENVS = {
  rouge: {
    name: 'rouge-score',
    venv: join(repoRoot, '.venv-rouge'),
    // nltk is pinned too: its Porter stemmer is part of the scores.
    packages: ['rouge-score==0.1.2', 'nltk==3.10.4'],
    marker: '.veriflow-rouge-version',
    bin: join('bin', 'python'),
    requireVar: 'VERIFLOW_REQUIRE_ROUGE',
    suites: 'the ROUGE parity tests',
    installHint: 'node scripts/python-venv.js install rouge',
  },
  llm: {
    name: 'torch + transformers',
    venv: join(repoRoot, '.venv-llm'),
    // PyPI's Linux torch wheel is the CUDA build (with its nvidia wheels, about 5 GB); it runs on the CPU too.
    packages: ['torch==2.15.0', 'transformers==5.23.0', 'peft==0.21.2', 'tokenizers==0.23.3', 'safetensors==0.8.0'],
    marker: '.veriflow-llm-version',
    installTime: 'about 5.6 GB, 1.5 to 3 minutes',
    bin: join('bin', 'python'),
    requireVar: 'VERIFLOW_REQUIRE_LLM',
    suites: 'the Python LLM step tests',
    installHint: 'node scripts/python-venv.js install llm',
  },
  snakemake: {
    name: 'snakemake + its Slurm executor plugin',
    venv: join(repoRoot, '.venv-snakemake'),
    packages: ['snakemake==9.27.1', 'snakemake-executor-plugin-slurm==2.8.0'],
    marker: '.veriflow-snakemake-version',
    bin: join('bin', 'snakemake'),
    requireVar: 'VERIFLOW_REQUIRE_SNAKEMAKE',
    suites: 'bench/slurm',
    installHint: 'node scripts/python-venv.js install snakemake',
  },
};

function run(cmd, args, what) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) {
    const detail = result.error ? result.error.message : tail(`${result.stdout}\n${result.stderr}`, 2000) || `exit status ${result.status}`;
    throw new Error(`${what} failed (${cmd} ${args.join(' ')}): ${detail}`);
  }
}

/** The last `max` characters of `text`, trimmed, for error messages. */
export function tail(text, max) {
  const t = text.trim();
  return t.length > max ? `...${t.slice(-max)}` : t;
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** What the marker of a complete install holds. */
const versionOf = (spec) => spec.version ?? spec.packages.join(' ');

/** Whether the venv holds the pinned packages (the marker is written after a complete install). */
function installed(spec) {
  const marker = join(spec.venv, spec.marker);
  return existsSync(join(spec.venv, spec.bin)) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === versionOf(spec);
}

/**
 * Installs `spec.packages` into `spec.venv` unless they are there; returns the path of `spec.bin`.
 * Throws with pip's output tail on failure and leaves no half-made venv behind.
 * @param {VenvSpec} spec
 */
export function ensureVenv(spec, { quiet = false } = {}) {
  const bin = join(spec.venv, spec.bin);
  if (installed(spec)) return bin;
  const lock = `${spec.venv}.lock`;
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 20 * 60_000) {
      rmSync(lock, { recursive: true, force: true }); // left by a killed install
      continue;
    }
    if (!waited && !quiet) console.error(`python-venv: waiting for another process to finish installing ${spec.name} into ${spec.venv}...`);
    waited = true;
    sleepSync(1000);
    if (installed(spec)) return bin;
  }
  const pins = spec.packages.join(' ');
  try {
    if (installed(spec)) return bin;
    const started = Date.now();
    if (!quiet) console.error(`python-venv: installing ${pins} into ${spec.venv} (first run only, ${spec.installTime ?? 'about a minute'})...`);
    const python = process.env.PYTHON ?? 'python3';
    try {
      if (!existsSync(join(spec.venv, 'bin', 'pip'))) run(python, ['-m', 'venv', spec.venv], `creating the ${spec.name} virtual environment`);
      run(join(spec.venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...spec.packages], `pip install ${pins}`);
    } catch (error) {
      rmSync(spec.venv, { recursive: true, force: true });
      throw error;
    }
    if (!existsSync(bin)) throw new Error(`pip install ${pins} finished but ${bin} is missing`);
    writeFileSync(join(spec.venv, spec.marker), `${versionOf(spec)}\n`);
    if (!quiet) console.error(`python-venv: ${pins} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `{ bin }` when the venv is installed (installing it if needed), else `{ skip }` with the reason; under
 * `spec.requireVar`=1 (CI) a failed install throws, so the suites fail rather than skip quietly.
 * `install: false` never installs (for venvs too large to install from inside a test: `.venv-llm`).
 * @param {VenvSpec} spec
 */
export function venvAvailability(spec, { quiet = false, install = true } = {}) {
  let reason;
  try {
    if (install || installed(spec)) return { bin: ensureVenv(spec, { quiet }) };
    reason = `${spec.name} is not installed in ${spec.venv} (the tests do not install it themselves)`;
  } catch (error) {
    reason = `${spec.name} could not be installed into ${spec.venv} (${error.message.split('\n')[0]})`;
  }
  if (process.env[spec.requireVar] === '1') {
    throw new Error(`${reason}, and ${spec.requireVar}=1 requires ${spec.suites} to run; fix the install (python3-venv, network to PyPI) or unset it`);
  }
  return { skip: `${reason}; run \`${spec.installHint}\`` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, which] = process.argv.slice(2);
  const spec = which === undefined ? undefined : VENVS[which];
  if (command !== 'install' || !spec) {
    console.error(`usage: node scripts/python-venv.js install ${Object.keys(VENVS).join('|')}`);
    process.exit(2);
  }
  try {
    console.log(ensureVenv(spec));
  } catch (error) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}
