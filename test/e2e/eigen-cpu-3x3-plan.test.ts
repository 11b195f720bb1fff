import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const WORKFLOW = resolve(root, 'workflows/paper/eigen-verification.yaml');

/** The verifiers of `verify` instances in a plan, per replicate. */
function verifiersByReplicate(planJson: string): Map<string, string[]> {
  const byReplicate = new Map<string, string[]>();
  for (const { name } of JSON.parse(planJson) as { name: string }[]) {
    const match = /^verify\[replicate=(\d+),verifier=([^\]]+)\]$/.exec(name);
    if (match === null) continue;
    byReplicate.set(match[1]!, [...(byReplicate.get(match[1]!) ?? []), match[2]!]);
  }
  return byReplicate;
}

// The cpu-3x3 preset's claims are judged across the verifiers it compares; a change to that set changes
// what its measured Spearman ρ means (README, eigen section), so the set is pinned here, by plan only.
describe('eigen cpu-3x3 preset', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  it('compares eight verifiers with p* spread from 0.5 to 1 (random, a duplicate of none, left out), five seeds each; the defaults keep their six', async () => {
    const plan = await runCli(['plan', WORKFLOW, '--preset', 'cpu-3x3', '--json'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    const byReplicate = verifiersByReplicate(plan.stdout);
    assert.deepEqual([...byReplicate.keys()], ['1', '2', '3', '4', '5']);
    for (const verifiers of byReplicate.values()) assert.deepEqual(verifiers, ['none', 'noisy-0.3', 'consistency', 'noisy-0.1', 'noisy-0.05', 'noisy-0.02', 'noisy-0.01', 'oracle']);

    const defaults = await runCli(['plan', WORKFLOW, '--json'], dir);
    assert.equal(defaults.code, 0, defaults.stderr);
    assert.deepEqual(verifiersByReplicate(defaults.stdout).get('1'), ['none', 'random', 'noisy-0.3', 'noisy-0.1', 'consistency', 'oracle']);
  });
});
