import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

const PASSWORD = 'pw-s3cret-4711';

const WORKFLOW = `
name: credentials
steps:
  total:
    uses: core/sum
    with: { values: [1, 2] }
`;

/** A loopback port nothing listens on: every request to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Every file under `dir`, as text. */
async function allText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return parts.join('\n');
}

describe('credentials in a tracking URI', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  let uri: string;
  before(async () => {
    ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW }));
    uri = `http://alice:${PASSWORD}@127.0.0.1:${await closedPort()}`;
  });
  after(() => dispose());

  it('never appear in output, results, lock file or run store; the sync hint drops them and names the variables', async () => {
    const run = await runCli(['run', 'wf.yaml', '--tracking-uri', uri], dir);
    assert.equal(run.code, 0, run.stderr);
    const host = uri.replace(`alice:${PASSWORD}@`, '');
    assert.match(run.stderr, new RegExp(`could not sync run \\S+ to MLflow at http://alice:\\*\\*\\*@127\\.0\\.0\\.1:\\d+: `));
    assert.match(run.stderr, new RegExp(`push it later with: veriflow sync \\S+ --tracking-uri ${host.replace(/[.]/g, '\\.')} \\(with MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD set\\)`));

    const sync = await runCli(['sync', '--tracking-uri', uri], dir);
    assert.equal(sync.code, 1, 'the server is down');
    const syncEnv = await runCli(['sync'], dir, { MLFLOW_TRACKING_URI: uri });
    assert.equal(syncEnv.code, 1);

    for (const [what, text] of [
      ['run output', run.stdout + run.stderr],
      ['sync output', sync.stdout + sync.stderr + syncEnv.stdout + syncEnv.stderr],
      ['the workspace (results, lock file, run store, logs)', await allText(join(dir, '.veriflow'))],
    ] as const) {
      assert.ok(!text.includes(PASSWORD), `the password appears in ${what}:\n${text.slice(0, 2000)}`);
    }
  });
});
