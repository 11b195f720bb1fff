import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Combination, MatrixInput } from './matrix.js';
import { expandMatrix } from './matrix.js';

const expand = (matrix: Partial<MatrixInput>) => expandMatrix({ axes: {}, include: [], exclude: [], ...matrix });
const axes = { p: [0.1, 0.3], verifier: ['oracle', 'learned'] };

describe('expandMatrix: product and exclude', () => {
  it('takes the cartesian product of the axes, in axis order then value order', () => {
    const { combinations, problems } = expand({ axes });
    assert.deepEqual(combinations, [
      { p: 0.1, verifier: 'oracle' },
      { p: 0.1, verifier: 'learned' },
      { p: 0.3, verifier: 'oracle' },
      { p: 0.3, verifier: 'learned' },
    ]);
    assert.deepEqual(problems, []);
  });

  it('a single axis gives one combination per value', () => {
    assert.deepEqual(expand({ axes: { n: [1, 2, 3] } }).combinations, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('exclude drops every combination that agrees with the entry on its keys', () => {
    assert.deepEqual(expand({ axes, exclude: [{ p: 0.1, verifier: 'learned' }] }).combinations, [
      { p: 0.1, verifier: 'oracle' },
      { p: 0.3, verifier: 'oracle' },
      { p: 0.3, verifier: 'learned' },
    ]);
    assert.deepEqual(expand({ axes, exclude: [{ verifier: 'oracle' }] }).combinations, [
      { p: 0.1, verifier: 'learned' },
      { p: 0.3, verifier: 'learned' },
    ]);
  });

  it('exclude compares object values deeply', () => {
    const { combinations, problems } = expand({ axes: { prior: [{ phi: 0.9, psi: 0.3 }, { phi: 0.5, psi: 0.1 }] }, exclude: [{ prior: { phi: 0.9, psi: 0.3 } }] });
    assert.deepEqual(combinations, [{ prior: { phi: 0.5, psi: 0.1 } }]);
    assert.deepEqual(problems, []);
  });

  it('an exclude key that is not an axis is a problem at that key, and the entry is ignored', () => {
    const { combinations, problems } = expand({ axes, exclude: [{ p: 0.1, verfier: 'oracle' }] });
    assert.equal(combinations.length, 4);
    assert.deepEqual(problems, [
      { code: 'UNKNOWN_MATRIX_KEY', path: ['exclude', 0, 'verfier'], message: 'exclude names "verfier", which is not a matrix axis', hint: 'Axes are p, verifier.' },
    ]);
  });

  it('an exclude entry that matches nothing is a conflict, not a silent no-op', () => {
    const { combinations, problems } = expand({ axes, exclude: [{ p: 0.1 }, { p: 0.7 }] });
    assert.equal(combinations.length, 2);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.code, 'MATRIX_CONFLICT');
    assert.deepEqual(problems[0]!.path, ['exclude', 1]);
    assert.equal(problems[0]!.message, 'this exclude entry matches no combination');
  });

  it('an exclude entry matching only what an earlier one removed also matches nothing', () => {
    const { problems } = expand({ axes, exclude: [{ p: 0.1 }, { p: 0.1, verifier: 'oracle' }] });
    assert.deepEqual(
      problems.map((problem) => [problem.code, problem.path]),
      [['MATRIX_CONFLICT', ['exclude', 1]]],
    );
  });

  it('excluding everything leaves an empty matrix, reported once', () => {
    const { combinations, problems } = expand({ axes: { p: [1] }, exclude: [{ p: 1 }] });
    assert.deepEqual(combinations, []);
    assert.deepEqual(
      problems.map((problem) => [problem.code, problem.path, problem.message]),
      [['EMPTY_MATRIX', [], 'the matrix has no combination left']],
    );
  });
});

describe('expandMatrix: include (GitHub Actions semantics)', () => {
  it('an entry without axis keys adds its keys to every combination', () => {
    const { combinations } = expand({ axes, include: [{ epochs: 5 }] });
    assert.equal(combinations.length, 4);
    assert.ok(combinations.every((combo) => combo.epochs === 5));
  });

  it('an entry with axis keys extends only the combinations it agrees with', () => {
    const { combinations } = expand({ axes, include: [{ verifier: 'learned', lr: 0.01 }] });
    assert.deepEqual(combinations, [
      { p: 0.1, verifier: 'oracle' },
      { p: 0.1, verifier: 'learned', lr: 0.01 },
      { p: 0.3, verifier: 'oracle' },
      { p: 0.3, verifier: 'learned', lr: 0.01 },
    ]);
  });

  it('an entry that agrees with no combination becomes a combination of its own, at the end', () => {
    const { combinations, problems } = expand({ axes, include: [{ p: 0.5, verifier: 'oracle' }] });
    assert.equal(combinations.length, 5);
    assert.deepEqual(combinations[4], { p: 0.5, verifier: 'oracle' });
    assert.deepEqual(problems, []);
    // Partial entries are kept as written: the added combination has no `verifier`.
    assert.deepEqual(expand({ axes, include: [{ p: 0.9 }] }).combinations[4], { p: 0.9 });
  });

  it('an entry naming only axis values that already exist changes nothing', () => {
    const { combinations, problems } = expand({ axes, include: [{ p: 0.1, verifier: 'oracle' }] });
    assert.deepEqual(combinations, expand({ axes }).combinations);
    assert.deepEqual(problems, []);
  });

  it('later entries may overwrite values added by earlier ones, never the axis values', () => {
    const { combinations } = expand({ axes: { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] }, include: [{ color: 'green' }, { color: 'pink', animal: 'cat' }, { fruit: 'apple', shape: 'circle' }, { fruit: 'banana' }, { fruit: 'banana', animal: 'cat' }] });
    // The example from the GitHub Actions documentation.
    assert.deepEqual(combinations, [
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
  });

  it('warns about each include key that is not an axis, suggesting the axis it probably misspells', () => {
    const { combinations, warnings } = expand({ axes, include: [{ p: 0.5, verfier: 'oracle' }, { verifier: 'learned', lr: 0.01 }] });
    assert.equal(combinations.length, 5);
    assert.deepEqual(warnings, [
      {
        code: 'UNKNOWN_MATRIX_KEY',
        path: ['include', 0, 'verfier'],
        message: 'include names "verfier", which is not a matrix axis, so it adds a combination of its own with "verfier"',
        hint: 'Did you mean "verifier"? Axes are p, verifier; --strict refuses keys that are not axes.',
      },
      {
        code: 'UNKNOWN_MATRIX_KEY',
        path: ['include', 1, 'lr'],
        message: 'include names "lr", which is not a matrix axis, so it adds "lr" to the combinations it matches',
        hint: 'Axes are p, verifier; --strict refuses keys that are not axes.',
      },
    ]);
    assert.deepEqual(expand({ axes, include: [{ p: 0.5 }] }).warnings, []);
  });

  it('a matrix of include entries only has one combination per entry', () => {
    const { combinations, problems, warnings } = expand({ include: [{ model: 'a', lr: 0.1 }, { model: 'b', lr: 0.2 }, { model: 'c' }] });
    assert.deepEqual(combinations, [{ model: 'a', lr: 0.1 }, { model: 'b', lr: 0.2 }, { model: 'c' }]);
    // Without axes every key is the entry's own; none can be a misspelt axis.
    assert.deepEqual(warnings, []);
    assert.deepEqual(problems, []);
  });

  it('an entry never extends a combination that an earlier entry added', () => {
    const { combinations } = expand({ axes: { p: [1] }, include: [{ p: 2 }, { p: 2, tag: 'x' }] });
    assert.deepEqual(combinations, [{ p: 1 }, { p: 2 }, { p: 2, tag: 'x' }]);
  });

  it('include applies after exclude, so it can bring an excluded combination back', () => {
    const { combinations } = expand({ axes: { p: [1, 2] }, exclude: [{ p: 2 }], include: [{ p: 2, note: 'back' }] });
    assert.deepEqual(combinations, [{ p: 1 }, { p: 2, note: 'back' }]);
  });
});

describe('expandMatrix: duplicates', () => {
  it('a repeated axis value yields the same combination twice: a conflict naming it', () => {
    const { combinations, problems } = expand({ axes: { p: [1, 2, 1] } });
    assert.equal(combinations.length, 3);
    assert.deepEqual(problems, [{ code: 'MATRIX_CONFLICT', path: [], message: 'the matrix yields the combination {"p":1} twice', hint: 'Remove the duplicate value or include entry.' }]);
  });

  it('two identical new include entries are a duplicate too', () => {
    const { problems } = expand({ axes: { p: [1] }, include: [{ p: 3, q: 1 }, { p: 3, q: 1 }] });
    assert.deepEqual(
      problems.map((problem) => problem.message),
      ['the matrix yields the combination {"p":3,"q":1} twice'],
    );
  });

  it('deeply equal object values count as duplicates whatever their key order', () => {
    const a: Combination = { prior: { phi: 0.9, psi: 0.3 } };
    const b: Combination = { prior: { psi: 0.3, phi: 0.9 } };
    const { problems } = expand({ axes: { prior: [a.prior, b.prior] } });
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.code, 'MATRIX_CONFLICT');
  });
});
