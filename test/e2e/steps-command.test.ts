import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

interface Listing {
  readonly name: string;
  readonly with: { readonly type: string };
  readonly outputs: Readonly<Record<string, { readonly kind: string }>>;
  readonly outputsDependOnWith: boolean;
}

describe('veriflow steps --json', () => {
  it("gives each kind's input schema and outputs, and says when the outputs depend on with", async () => {
    const result = await runCli(['steps', '--json'], root);
    assert.equal(result.code, 0, result.stderr);
    const kinds = new Map((JSON.parse(result.stdout) as Listing[]).map((kind) => [kind.name, kind]));
    const sum = kinds.get('core/sum')!;
    assert.equal(sum.with.type, 'object');
    assert.deepEqual(Object.fromEntries(Object.entries(sum.outputs).map(([name, output]) => [name, output.kind])), { total: 'number', report: 'artifact' });
    assert.equal(sum.outputsDependOnWith, false);
    const command = kinds.get('command')!;
    assert.deepEqual(command.outputs, { exit_code: { kind: 'number' } });
    assert.equal(command.outputsDependOnWith, true);
  });
});
