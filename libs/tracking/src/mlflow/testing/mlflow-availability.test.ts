import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

function serverScript(): string {
  for (let dir = import.meta.dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'mlflow-server.js'))) return join(dir, 'scripts', 'mlflow-server.js');
  }
  throw new Error(`scripts/mlflow-server.js not found above ${import.meta.dirname}`);
}

const scratch = mkdtempSync(join(tmpdir(), 'veriflow-mlflow-availability-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Asks for mlflow in an empty venv with a Python that does not exist: a real failed install. */
function availability(env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const venv = join(scratch, `venv-${Object.keys(env).length}`);
  const code = `const { mlflowAvailability } = await import(${JSON.stringify(pathToFileURL(serverScript()).href)}); console.log(JSON.stringify(mlflowAvailability({ venv: ${JSON.stringify(venv)}, quiet: true })));`;
  const { VERIFLOW_REQUIRE_MLFLOW: _inherited, ...rest } = process.env;
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...rest, PYTHON: join(scratch, 'no-such-python'), ...env }, encoding: 'utf8' });
}

test('a failed mlflow install skips the tracking suites with the reason', () => {
  const run = availability({});
  assert.equal(run.status, 0, run.stderr);
  const { skip } = JSON.parse(run.stdout) as { skip?: string };
  assert.match(skip ?? '', /^mlflow could not be installed into .*venv-0 \(creating the mlflow virtual environment failed .*no-such-python.*\); run `node scripts\/mlflow-server.js install`$/);
});

test('under VERIFLOW_REQUIRE_MLFLOW=1 (CI) a failed install fails instead of skipping', () => {
  const run = availability({ VERIFLOW_REQUIRE_MLFLOW: '1' });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /mlflow could not be installed into .*venv-1 .*and VERIFLOW_REQUIRE_MLFLOW=1 requires the MLflow integration tests to run/);
});

