import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countBy, readResults, runCli, workspace } from '../support/cli.js';

const WORKFLOW = `
name: scripted
steps:
  count:
    uses: command
    with:
      run: [sh, "\${{ workflow.dir }}/count.sh", "\${{ workflow.dir }}/runs.log"]
      deps: ["\${{ workflow.dir }}/settings.sh"]
      values: values.json
`;

// The script appends to the file its argument names: that file is not code, so it must not change the key.
const script = (n: number): string => `. "$(dirname "$0")/settings.sh"; echo ran >> "$1"; printf '{"n": ${n}, "unit": "%s"}' "$UNIT" > values.json\n`;

describe('a command step whose script changes', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'scripted.yaml': WORKFLOW, 'count.sh': script(1), 'settings.sh': 'UNIT=m\n' })));
  after(() => dispose());

  it('is a cache hit while the script is unchanged', async () => {
    assert.equal((await runCli(['run', 'scripted.yaml'], dir)).code, 0);
    const again = await runCli(['run', 'scripted.yaml'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(countBy(await readResults(dir, 'scripted')), { cached: 1 });
  });

  it('runs again after an edit of the script, and plan names the file that changed', async () => {
    await writeFile(join(dir, 'count.sh'), script(2));
    const plan = await runCli(['plan', 'scripted.yaml'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /environment changed: \S*count\.sh sha256:[0-9a-f]{16} → sha256:[0-9a-f]{16}/);
    const run = await runCli(['run', 'scripted.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    const results = await readResults(dir, 'scripted');
    assert.deepEqual(countBy(results), { succeeded: 1 });
    assert.equal(results.instances[0]!.values.n, 2);
  });

  it('runs again after an edit of a file in deps', async () => {
    await writeFile(join(dir, 'settings.sh'), 'UNIT=km\n');
    const plan = await runCli(['plan', 'scripted.yaml'], dir);
    assert.match(plan.stdout, /environment changed: \S*settings\.sh sha256:/);
    assert.equal((await runCli(['run', 'scripted.yaml'], dir)).code, 0);
    const results = await readResults(dir, 'scripted');
    assert.deepEqual(countBy(results), { succeeded: 1 });
    assert.equal(results.instances[0]!.values.unit, 'km');
    assert.equal((await readFile(join(dir, 'runs.log'), 'utf8')).split('\n').filter(Boolean).length, 3, 'the file the script appends to did not make a cached run count');
  });
});
