import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LossWindow } from './loss-window.js';

describe('LossWindow', () => {
  it('logs the mean loss of each window and of the shorter last one, with the learning rate at its end', () => {
    const logged: [string, number, number][] = [];
    const losses = new LossWindow({ log: (name, value, step) => logged.push([name, value, step]) }, 2, 5);
    assert.ok(Number.isNaN(losses.last));
    [4, 2, 3, 1, 7].forEach((loss, index) => losses.add(index + 1, loss, 0.1 * (index + 1)));
    assert.deepEqual(
      logged.map(([name, value, step]) => [name, Number(value.toFixed(6)), step]),
      [
        ['loss', 3, 2],
        ['lr', 0.2, 2],
        ['loss', 2, 4],
        ['lr', 0.4, 4],
        ['loss', 7, 5],
        ['lr', 0.5, 5],
      ],
    );
    assert.equal(losses.last, 7);
  });
});
