import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineStep } from './define-step.js';
import { StepRegistry } from './registry.js';

const kind = (name: string) =>
  defineStep({ name, version: '1', description: name, with: { type: 'object' }, outputs: { n: { kind: 'number' } } }).run(async () => ({ n: 1 }));

describe('StepRegistry', () => {
  it('finds registered kinds by name and lists names sorted', () => {
    const registry = new StepRegistry();
    const sum = kind('core/sum');
    registry.register([kind('lib/zeta'), sum], 'lib');
    registry.register([kind('command')], 'core');
    assert.equal(registry.get('core/sum'), sum);
    assert.equal(registry.get('core/nope'), undefined);
    assert.deepEqual(registry.names(), ['command', 'core/sum', 'lib/zeta']);
  });

  it('refuses a second kind of the same name, naming both sources', () => {
    const registry = new StepRegistry();
    const first = kind('gaussian/train');
    registry.register([first], '@veriflow/gaussian');
    assert.throws(() => registry.register([kind('gaussian/train')], './plugins/mine.js'), {
      message: 'Step kind "gaussian/train" from ./plugins/mine.js is already registered by @veriflow/gaussian; rename one of them',
    });
    assert.equal(registry.get('gaussian/train'), first);
  });

  it('refuses a duplicate within one batch', () => {
    const registry = new StepRegistry();
    assert.throws(() => registry.register([kind('a/b'), kind('a/b')], 'lib'), /"a\/b" from lib is already registered by lib/);
  });
});
