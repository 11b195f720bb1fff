import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trackedRun } from '../testing/fixtures.js';
import { parentRunTags } from './run-mapping.js';

describe('parentRunTags', () => {
  it('records the preset and the --set overrides of the run', () => {
    const tags = parentRunTags(trackedRun('20261126-125539-1a1d03', { preset: 'gpu', overrides: ['steps=10', 'dim=4'] }));
    assert.equal(tags['veriflow.preset'], 'gpu');
    assert.equal(tags['veriflow.overrides'], 'steps=10 dim=4');
  });

  it('leaves both out for a run with the default params', () => {
    const tags = parentRunTags(trackedRun('20261126-125539-1a1d03'));
    assert.equal('veriflow.preset' in tags, false);
    assert.equal('veriflow.overrides' in tags, false);
  });
});
