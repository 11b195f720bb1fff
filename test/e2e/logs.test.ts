import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

const CHATTY = `
name: chatty
steps:
  print:
    uses: command
    with:
      run: [node, -e, "for (let i = 0; i < 200000; i++) console.log('progress line ' + i)"]
`;

describe('instance logs', () => {
  it('a step printing without limit gets a log of bounded size that keeps its first and last lines', async () => {
    const { dir, dispose } = await workspace({ 'chatty.yaml': CHATTY });
    try {
      const run = await runCli(['run', 'chatty.yaml'], dir, { VERIFLOW_MAX_LOG_BYTES: '65536' });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const [runId] = await readdir(join(dir, '.veriflow', 'runs'));
      const log = await readFile(join(dir, '.veriflow', 'runs', runId!, 'logs', 'print.log'), 'utf8');
      // The limit, and the two lines that say where the log was cut.
      assert.ok(Buffer.byteLength(log) < 65_536 + 512, `the log holds ${Buffer.byteLength(log)} bytes`);
      assert.match(log, /info {2}progress line 0\n/);
      assert.match(log, /info {2}progress line 199999\n$/);
      assert.match(log, /\n… this log reached its limit of 65536 bytes \(VERIFLOW_MAX_LOG_BYTES\)/);
      assert.match(log, /\n… \d+ line\(s\), \d+ bytes, dropped here to keep the log under 65536 bytes …\n/);
    } finally {
      await dispose();
    }
  });
});
