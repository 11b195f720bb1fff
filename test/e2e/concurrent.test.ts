import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countBy, readResults, runCli, startCli, workspace } from '../support/cli.js';

// Each execution appends its instance name to executions.log, so double work is visible.
const COUNTED = `
name: counted
steps:
  work:
    uses: command
    matrix: { i: [1, 2, 3, 4, 5, 6] }
    with:
      run:
        - node
        - -e
        - |
          const fs = require('node:fs');
          setTimeout(() => {
            fs.appendFileSync(process.argv[1], 'work-' + process.argv[2] + '\\n');
            fs.writeFileSync('out.txt', 'result ' + process.argv[2]);
          }, 200);
        - \${{ env.COUNTER_FILE }}
        - \${{ matrix.i }}
      outputs: { out: out.txt }
  gather:
    uses: core/echo
    with: { message: gathered, value: \${{ steps.work.instances }} }
`;

describe('two concurrent runs on one workspace', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'counted.yaml': COUNTED })));
  after(() => dispose());

  it('execute every instance exactly once between them and both succeed', async () => {
    const env = { COUNTER_FILE: join(dir, 'executions.log') };
    const first = startCli(['run', 'counted.yaml', '--jobs', '2'], dir, env);
    const second = startCli(['run', 'counted.yaml', '--jobs', '2'], dir, env);
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const executions = (await readFile(env.COUNTER_FILE, 'utf8')).trim().split('\n').sort();
    assert.deepEqual(executions, ['work-1', 'work-2', 'work-3', 'work-4', 'work-5', 'work-6']);

    const third = await runCli(['run', 'counted.yaml'], dir, env);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(countBy(await readResults(dir, 'counted')), { cached: 7 });
  });
});
