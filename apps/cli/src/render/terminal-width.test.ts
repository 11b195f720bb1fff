import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { terminalWidth } from './terminal-width.js';

describe('terminalWidth', () => {
  it('is the terminal width on a terminal and 100 elsewhere', () => {
    assert.equal(terminalWidth({ isTTY: true, columns: 132 }, {}), 132);
    assert.equal(terminalWidth({ isTTY: false }, {}), 100);
    assert.equal(terminalWidth({}, {}), 100);
  });

  it('takes COLUMNS first, and no less than 40', () => {
    assert.equal(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '80' }), 80);
    assert.equal(terminalWidth({}, { COLUMNS: '12' }), 40);
    assert.equal(terminalWidth({}, { COLUMNS: 'wide' }), 100);
  });
});
