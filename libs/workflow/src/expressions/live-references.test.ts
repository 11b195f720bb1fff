import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from './ast.js';
import { splitByBranch } from './live-references.js';
import { parseExpression } from './parser.js';
import { formatPath } from './references.js';

/** Decides `params.on` (true) and `params.off` (false); everything else is unknown before the run. */
const decide = (test: Expr): boolean | undefined => (test.kind === 'member' && test.object.kind === 'identifier' && test.object.name === 'params' ? { on: true, off: false }[test.name] : undefined);

const split = (source: string): { live: string[]; untaken: string[]; contingent: string[] } => {
  const result = splitByBranch(parseExpression(source), decide);
  return {
    live: result.live.map((ref) => formatPath(ref.path)),
    untaken: result.untaken.map(({ reference, guard }) => `${formatPath(reference.path)} (${source.slice(guard.test.start, guard.test.end)} is ${guard.value})`),
    contingent: result.contingent.map((ref) => formatPath(ref.path)),
  };
};

describe('splitByBranch', () => {
  it('reads only the branch a known condition takes', () => {
    assert.deepEqual(split('params.on ? steps.a.outputs.x : steps.b.outputs.x'), { live: ['params.on', 'steps.a.outputs.x'], untaken: ['steps.b.outputs.x (params.on is true)'], contingent: [] });
    assert.deepEqual(split('params.off ? steps.a.outputs.x : steps.b.outputs.x'), { live: ['params.off', 'steps.b.outputs.x'], untaken: ['steps.a.outputs.x (params.off is false)'], contingent: [] });
  });

  it('short-circuits && on a false left side and || on a true one, as evaluation does', () => {
    assert.deepEqual(split('params.off && steps.a.outputs.ok').untaken, ['steps.a.outputs.ok (params.off is false)']);
    assert.deepEqual(split('params.on || steps.a.outputs.ok').untaken, ['steps.a.outputs.ok (params.on is true)']);
    assert.deepEqual(split('params.on && steps.a.outputs.ok').untaken, []);
    assert.deepEqual(split('params.off || steps.a.outputs.ok').untaken, []);
  });

  it('keeps both branches of a condition it cannot decide, marking their references contingent', () => {
    assert.deepEqual(split('matrix.gpu ? steps.a.outputs.x : steps.b.outputs.x'), { live: ['matrix.gpu', 'steps.a.outputs.x', 'steps.b.outputs.x'], untaken: [], contingent: ['steps.a.outputs.x', 'steps.b.outputs.x'] });
    assert.deepEqual(split('steps.c.outputs.ok ? 1 : steps.b.outputs.x').untaken, []);
  });

  it('rules out a whole nested expression by its outermost untaken condition', () => {
    assert.deepEqual(split('params.off ? (matrix.gpu ? steps.a.outputs.x : steps.b.outputs.x) : len(steps.c.instances)'), {
      live: ['params.off', 'steps.c.instances'],
      untaken: ['matrix.gpu (params.off is false)', 'steps.a.outputs.x (params.off is false)', 'steps.b.outputs.x (params.off is false)'],
      contingent: [],
    });
  });
});
