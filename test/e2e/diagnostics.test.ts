import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

// Golden tests for user errors (as actionlint does): each broken workflow in fixtures/invalid has the exact
// report the CLI must print next to it. Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
const root = resolve(import.meta.dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'invalid');

describe('every mistake is reported before anything runs, at its line and column', () => {
  for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.yaml')).sort()) {
    it(file, async () => {
      const relativePath = `test/fixtures/invalid/${file}`;
      const result = await runCli(['validate', relativePath], root);
      assert.equal(result.code, 2, 'invalid workflows exit with code 2');
      assert.equal(result.stdout, '');
      const expectedPath = join(fixtures, file.replace(/\.yaml$/, '.expected'));
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedPath, result.stderr);
      assert.equal(result.stderr, readFileSync(expectedPath, 'utf8'));
    });
  }

  it('a workflow path that is missing or a directory gets a sentence and the file meant', async () => {
    const { dir, dispose } = await workspace({ 'sweep.yaml': 'name: s\nsteps: {}\n' });
    try {
      const missing = await runCli(['validate', 'swep.yaml'], dir);
      assert.equal(missing.code, 2);
      assert.equal(missing.stderr.split('\n')[0], 'veriflow: workflow file swep.yaml does not exist; did you mean sweep.yaml?');
      const folder = await runCli(['plan', '.'], dir);
      assert.equal(folder.code, 2);
      assert.equal(folder.stderr.split('\n')[0], 'veriflow: workflow file . is a directory; did you mean sweep.yaml?');
    } finally {
      await dispose();
    }
  });

  it('an include key that is not a matrix axis is a warning, and an error under --strict', async () => {
    const text = ['name: typo', 'steps:', '  a:', '    uses: core/echo', '    matrix:', '      verifier: [oracle, none]', '      include: [{ verfier: random }]', '    with: { message: hi }', ''].join('\n');
    const { dir, dispose } = await workspace({ 'typo.yaml': text });
    try {
      const warned = await runCli(['validate', 'typo.yaml'], dir);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /^typo\.yaml:7:19: warning: include names "verfier", which is not a matrix axis, so it adds "verfier" to the combinations it matches\. Did you mean "verifier"\? .* \[UNKNOWN_MATRIX_KEY\]\n {3}7 \| {7}include: \[\{ verfier: random \}\]\n/);
      for (const command of ['validate', 'plan', 'run']) {
        const strict = await runCli([command, 'typo.yaml', '--strict'], dir);
        assert.equal(strict.code, 2, `${command} --strict: ${strict.stderr}`);
        assert.match(strict.stderr, /^typo\.yaml:7:19: include names "verfier"/);
      }
    } finally {
      await dispose();
    }
  });

  it('an unknown command is a usage error listing the commands a user can run (not internal ones)', async () => {
    const result = await runCli(['vaildate'], root);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^veriflow: unknown command "vaildate"; expected one of run, plan, graph, export, validate, .*report, capacity\n/);
    assert.doesNotMatch(result.stderr, /exec-instance/);
  });

  it('an unknown --set param is a usage error naming the closest param', async () => {
    const result = await runCli(['validate', 'workflows/examples/hello-sweep.yaml', '--set', 'factor=[1]'], root);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--set factor=\[1\]:1:1: "factor" is not in params\. Expected one of factors, values\. Did you mean "factors"\? \[BAD_OVERRIDE\]/);
  });

  it('a --set value that is not valid YAML is refused, with the quoting that makes it a string', async () => {
    const result = await runCli(['validate', 'workflows/examples/hello-sweep.yaml', '--set', 'factors=[1, 2'], root);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--set factors=\[1, 2:1:1: "\[1, 2" is not a valid YAML value: flow sequence must end with a \]\. Fix it, or quote it to pass it as a string: --set 'factors="\[1, 2"'\. \[BAD_OVERRIDE\]/);
  });

  it('a --set value of the wrong type is refused', async () => {
    const result = await runCli(['validate', 'workflows/examples/hello-sweep.yaml', '--set', 'factors=3'], root);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /params\.factors is an array, but "3" is a number/);
  });
});
