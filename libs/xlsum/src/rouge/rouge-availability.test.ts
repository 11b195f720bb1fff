// The ROUGE parity tests skip with the reason when rouge-score cannot be installed, except under
// VERIFLOW_REQUIRE_ROUGE=1 (CI), where the failed install fails them: a real failed install, into an
// empty venv with a Python that does not exist.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

function venvScript(): string {
  for (let dir = import.meta.dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'python-venv.js'))) return join(dir, 'scripts', 'python-venv.js');
  }
  throw new Error(`scripts/python-venv.js not found above ${import.meta.dirname}`);
}

const scratch = mkdtempSync(join(tmpdir(), 'veriflow-rouge-availability-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function availability(require: boolean): { status: number | null; stdout: string; stderr: string } {
  const venv = join(scratch, `venv-${require}`);
  const code = `const { VENVS, venvAvailability } = await import(${JSON.stringify(pathToFileURL(venvScript()).href)}); console.log(JSON.stringify(venvAvailability({ ...VENVS.rouge, venv: ${JSON.stringify(venv)} }, { quiet: true })));`;
  const { VERIFLOW_REQUIRE_ROUGE: _inherited, ...rest } = process.env;
  const env = { ...rest, PYTHON: join(scratch, 'no-such-python'), ...(require ? { VERIFLOW_REQUIRE_ROUGE: '1' } : {}) };
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8' });
}

test('a failed rouge-score install skips the parity tests with the reason and the command that installs it', () => {
  const run = availability(false);
  assert.equal(run.status, 0, run.stderr);
  const { skip } = JSON.parse(run.stdout) as { skip?: string };
  assert.match(skip ?? '', /^rouge-score could not be installed into .*venv-false \(creating the rouge-score virtual environment failed .*no-such-python.*\); run `node scripts\/python-venv.js install rouge`$/);
});

test('under VERIFLOW_REQUIRE_ROUGE=1 (CI) a failed install fails instead of skipping', () => {
  const run = availability(true);
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /rouge-score could not be installed into .*venv-true .*and VERIFLOW_REQUIRE_ROUGE=1 requires the ROUGE parity tests to run/);
});
