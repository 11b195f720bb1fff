/**
 * Test helper: a real MLflow server from scripts/mlflow-server.js (installed into .venv-mlflow on
 * first use). Suites call `mlflowSkipReason()` at load time and `startTestServer()` in `before`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ServerScript {
  mlflowAvailability(options?: { quiet?: boolean }): { bin: string; skip?: undefined } | { bin?: undefined; skip: string };
  startMlflowServer(options: { dir: string; mlflow?: string; timeoutMs?: number }): Promise<{ uri: string; stop(): Promise<void> }>;
  MLFLOW_VERSION: string;
}

function findScript(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'scripts', 'mlflow-server.js');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`scripts/mlflow-server.js not found above ${import.meta.dirname}`);
  }
}

let script: ServerScript | undefined;
async function load(): Promise<ServerScript> {
  script ??= (await import(pathToFileURL(findScript()).href)) as ServerScript;
  return script;
}

let mlflowBin: string | undefined;

/**
 * Installs mlflow if needed; returns why the suite must be skipped, or undefined when it can run. Under
 * VERIFLOW_REQUIRE_MLFLOW=1 (CI) a failed install throws, so the test file fails instead of skipping.
 */
export async function mlflowSkipReason(): Promise<string | undefined> {
  const availability = (await load()).mlflowAvailability({ quiet: false });
  mlflowBin = availability.bin;
  return availability.skip;
}

export interface TestServer {
  readonly uri: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/** Starts a server on a fresh temp directory; `stop()` ends it and removes the directory. */
export async function startTestServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'veriflow-mlflow-test-'));
  const { startMlflowServer } = await load();
  const server = await startMlflowServer({ dir, ...(mlflowBin ? { mlflow: mlflowBin } : {}) });
  return {
    uri: server.uri,
    dir,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
