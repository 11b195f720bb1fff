#!/usr/bin/env node
// A local MLflow tracking server for tests and development. `ensureMlflow()` installs a pinned
// mlflow into .venv-mlflow (repo root) when it is missing; `startMlflowServer({ dir })` runs it on
// a free loopback port with a SQLite backend and proxied artifacts under `dir`.
// CLI: `node scripts/mlflow-server.js start [--dir DIR]` prints the URI and runs until killed;
// `node scripts/mlflow-server.js install` only installs.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureVenv, tail, venvAvailability } from './python-venv.js';

export const MLFLOW_VERSION = '3.17.2';
export const repoRoot = resolve(import.meta.dirname, '..');
export const venvDir = join(repoRoot, '.venv-mlflow');
export const mlflowBin = join(venvDir, 'bin', 'mlflow');

/** The pinned mlflow venv, installed by scripts/python-venv.js. */
export function mlflowVenv(venv = venvDir) {
  return {
    name: 'mlflow',
    venv,
    packages: [`mlflow==${MLFLOW_VERSION}`],
    marker: '.veriflow-mlflow-version',
    version: MLFLOW_VERSION,
    bin: join('bin', 'mlflow'),
    requireVar: 'VERIFLOW_REQUIRE_MLFLOW',
    suites: 'the MLflow integration tests',
    installHint: 'node scripts/mlflow-server.js install',
  };
}

/**
 * Installs mlflow==MLFLOW_VERSION into `venv` (default .venv-mlflow) unless it is already there.
 * Returns the path of the mlflow executable. Throws with pip's output tail on failure. Concurrent
 * callers (parallel test files) wait for one install instead of racing.
 */
export function ensureMlflow({ venv = venvDir, quiet = false } = {}) {
  return ensureVenv(mlflowVenv(venv), { quiet });
}

/**
 * Whether the MLflow integration tests can run: `{ bin }` when mlflow is installed (installing it if
 * needed), else `{ skip }` with the reason. CI sets VERIFLOW_REQUIRE_MLFLOW=1 (see .ci/run): there a
 * failed install throws instead, so the tracking suites fail rather than skip quietly.
 */
export function mlflowAvailability({ venv = venvDir, quiet = false } = {}) {
  return venvAvailability(mlflowVenv(venv), { quiet });
}

/** A free TCP port on 127.0.0.1 (there is a small window in which another process could take it). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function healthy(uri) {
  return new Promise((resolveHealth) => {
    const req = request(`${uri}/health`, { timeout: 2000 }, (res) => {
      res.resume();
      resolveHealth(res.statusCode === 200);
    });
    req.on('error', () => resolveHealth(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Starts `mlflow server` with its SQLite store and artifacts under `dir` (created if missing), on a
 * free port, and waits for `/health`. Returns `{ uri, port, pid, stop }`; `stop()` ends the
 * server's process group and resolves once it has exited.
 */
export async function startMlflowServer({ dir, mlflow, timeoutMs = 90_000, quiet = true } = {}) {
  if (!dir) throw new Error('startMlflowServer: `dir` is required');
  const root = resolve(dir);
  mkdirSync(join(root, 'artifacts'), { recursive: true });
  const bin = mlflow ?? ensureMlflow({ quiet });
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  const args = [
    'server',
    '--backend-store-uri', `sqlite:///${join(root, 'mlflow.db')}`,
    '--artifacts-destination', join(root, 'artifacts'),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--workers', '1',
  ];
  const env = { ...process.env, MLFLOW_TRACKING_URI: uri, PYTHONUNBUFFERED: '1' };
  // Its own process group, so stop() also ends the uvicorn worker mlflow spawns.
  const child = spawn(bin, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = child.exitCode !== null;
  let spawnError;
  const exit = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolveExit({ code, signal });
    });
    // A command that cannot be run emits 'error' and no 'exit'.
    child.once('error', (error) => {
      spawnError = error;
      exited = true;
      resolveExit({ code: null, signal: null });
    });
  });
  const killGroup = (signal) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onProcessExit = () => killGroup('SIGKILL');
  process.once('exit', onProcessExit);

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', onProcessExit);
      killGroup('SIGTERM');
      const done = await Promise.race([exit.then(() => true), sleep(10_000, false, { ref: false })]);
      if (!done) killGroup('SIGKILL');
      await Promise.race([exit, sleep(5_000, undefined, { ref: false })]);
      // A worker may outlive the parent: end whatever is left of the group.
      killGroup('SIGKILL');
    })();
    return stopped;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`mlflow server could not be started (${bin}): ${spawnError.message}`);
    }
    if (exited) {
      await stop();
      throw new Error(`mlflow server exited before it became healthy on ${uri}. Its output ends:\n${tail(output, 4000)}`);
    }
    if (await healthy(uri)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mlflow server on ${uri} was not healthy within ${timeoutMs / 1000} s. Its output ends:\n${tail(output, 4000)}`);
    }
    await sleep(250);
  }
  return { uri, port, pid: child.pid, stop, output: () => output };
}

async function main(argv) {
  const [command, ...rest] = argv;
  const dirAt = rest.indexOf('--dir');
  if (command === 'install') {
    console.log(ensureMlflow());
    return;
  }
  if (command !== 'start') {
    console.error('usage: node scripts/mlflow-server.js start [--dir DIR] | install');
    process.exitCode = 2;
    return;
  }
  const temporary = dirAt < 0;
  const dir = temporary ? mkdtempSync(join(tmpdir(), 'veriflow-mlflow-')) : resolve(rest[dirAt + 1] ?? '.');
  ensureMlflow();
  const server = await startMlflowServer({ dir });
  console.log(server.uri);
  const shutdown = async () => {
    await server.stop();
    if (temporary) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Stay alive until killed.
  setInterval(() => {}, 1 << 30);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
