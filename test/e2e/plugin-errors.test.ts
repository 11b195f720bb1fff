import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

const workflow = (plugin: string, uses = 'core/echo'): string =>
  ['name: p', `plugins: [./${plugin}]`, 'steps:', `  a: { uses: ${uses}, with: ${uses === 'core/echo' ? '{ message: hi }' : '{}'} }`, ''].join('\n');

describe('an error in a plugin names the plugin file, line and column', () => {
  it('when its top-level code throws on import', async () => {
    const { dir, dispose } = await workspace({
      'wf.yaml': workflow('broken.mjs'),
      'broken.mjs': ['// reads a setting that is not there', 'const config = undefined;', 'export const limit = config.limit;', 'export const steps = [];', ''].join('\n'),
    });
    try {
      const result = await runCli(['validate', 'wf.yaml'], dir);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^wf\.yaml:2:11: plugin "\.\/broken\.mjs" failed while being imported, at broken\.mjs:3:29: TypeError: Cannot read properties of undefined \(reading 'limit'\)\. .* \[PLUGIN\]$/m);
    } finally {
      await dispose();
    }
  });

  it('when it does not parse', async () => {
    const { dir, dispose } = await workspace({ 'wf.yaml': workflow('typo.mjs'), 'typo.mjs': ['export const steps = [', "  { name: 'x' version: '1' },", '];', ''].join('\n') });
    try {
      const result = await runCli(['validate', 'wf.yaml'], dir);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^wf\.yaml:2:11: plugin "\.\/typo\.mjs" failed while being imported, at typo\.mjs:2:15: SyntaxError: Unexpected identifier 'version'\. .* \[PLUGIN\]$/m);
    } finally {
      await dispose();
    }
  });

  it('when a step kind of it throws while running, with the kind', async () => {
    const plugin = [
      'export const steps = [{',
      "  name: 'team/explode', version: '1', description: 'reads a table it was not given', with: { type: 'object' }, outputs: {},",
      '  async run(ctx) {',
      '    return { n: ctx.with.table.rows.length };',
      '  },',
      '}];',
      '',
    ].join('\n');
    const { dir, dispose } = await workspace({ 'wf.yaml': workflow('explode.mjs', 'team/explode'), 'explode.mjs': plugin });
    try {
      const result = await runCli(['run', 'wf.yaml'], dir);
      assert.equal(result.code, 1);
      assert.match(result.stderr + result.stdout, /a: Cannot read properties of undefined \(reading 'rows'\) \(in team\/explode, at explode\.mjs:4:32\)/);
    } finally {
      await dispose();
    }
  });
});
