import { isDeepStrictEqual } from 'node:util';
import { closest, levenshtein } from '../diagnostics/suggest.js';
import { canonicalJson } from '../expressions/values.js';

export type Combination = Readonly<Record<string, unknown>>;

/** A matrix problem, at the path (under the step's `matrix`) that causes it. */
export interface MatrixProblem {
  readonly code: 'EMPTY_MATRIX' | 'MATRIX_CONFLICT' | 'UNKNOWN_MATRIX_KEY';
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint?: string;
}

/** Allowed, but probably not meant: reported as a warning, or as a problem under `--strict`. */
export interface MatrixWarning {
  readonly code: 'UNKNOWN_MATRIX_KEY';
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint: string;
}

export interface MatrixInput {
  readonly axes: Readonly<Record<string, readonly unknown[]>>;
  readonly include: readonly Combination[];
  readonly exclude: readonly Combination[];
}

function cartesian(axes: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [axis, values] of Object.entries(axes)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [axis]: value })));
  }
  return combos;
}

const matches = (combo: Combination, entry: Combination, keys: readonly string[]): boolean =>
  keys.every((key) => key in combo && isDeepStrictEqual(combo[key], entry[key]));

/**
 * Combinations of a step's own matrix with GitHub Actions semantics: the product of the axes, minus every
 * `exclude` entry, then each `include` entry extends the combinations it agrees with on the axes, or is added
 * as a combination of its own when it agrees with none. Contradictions are problems, not silent no-ops.
 */
export function expandMatrix(matrix: MatrixInput): { combinations: Combination[]; problems: MatrixProblem[]; warnings: MatrixWarning[] } {
  const problems: MatrixProblem[] = [];
  const warnings: MatrixWarning[] = [];
  const axisNames = Object.keys(matrix.axes);
  let combos = cartesian(matrix.axes);

  matrix.exclude.forEach((entry, index) => {
    const keys = Object.keys(entry);
    const unknown = keys.filter((key) => !axisNames.includes(key));
    if (unknown.length > 0) {
      problems.push({
        code: 'UNKNOWN_MATRIX_KEY',
        path: ['exclude', index, unknown[0]!],
        message: `exclude names "${unknown[0]}", which is not a matrix axis`,
        hint: `Axes are ${axisNames.join(', ')}.`,
      });
      return;
    }
    const before = combos.length;
    combos = combos.filter((combo) => !matches(combo, entry, keys));
    if (combos.length === before) {
      problems.push({ code: 'MATRIX_CONFLICT', path: ['exclude', index], message: 'this exclude entry matches no combination', hint: 'Check its values against the axes, or remove it.' });
    }
  });

  // Include entries extend only the combinations of the axes (as GitHub Actions does); one that extends none is
  // a combination of its own. A matrix of include entries only has nothing to extend: each entry is one combination.
  const original = axisNames.length === 0 && matrix.include.length > 0 ? [] : combos;
  const added: Record<string, unknown>[] = [];
  matrix.include.forEach((entry, index) => {
    const axisKeys = Object.keys(entry).filter((key) => axisNames.includes(key));
    const extraKeys = Object.keys(entry).filter((key) => !axisNames.includes(key));
    const targets = original.filter((combo) => matches(combo, entry, axisKeys));
    // GitHub's semantics, but a key that is not an axis is far more often a misspelt axis than a new one.
    if (axisNames.length > 0) {
      for (const key of extraKeys) warnings.push(extraKeyWarning(key, index, axisNames, targets.length > 0));
    }
    if (targets.length > 0 && extraKeys.length > 0) {
      for (const combo of targets) for (const key of extraKeys) combo[key] = entry[key];
    } else if (targets.length === 0) {
      added.push({ ...entry });
    }
  });
  combos = [...original, ...added];

  if (combos.length === 0) {
    problems.push({ code: 'EMPTY_MATRIX', path: [], message: 'the matrix has no combination left', hint: 'Every combination was excluded; remove an exclude entry or add values.' });
  }
  // Linear in the number of combinations: sweeps of thousands must not cost a quadratic deep-equal scan.
  const seen = new Set<string>();
  for (const combo of combos) {
    const identity = canonicalJson(combo);
    if (seen.has(identity)) {
      problems.push({ code: 'MATRIX_CONFLICT', path: [], message: `the matrix yields the combination ${JSON.stringify(combo)} twice`, hint: 'Remove the duplicate value or include entry.' });
    }
    seen.add(identity);
  }
  return { combinations: combos, problems, warnings };
}

function extraKeyWarning(key: string, index: number, axisNames: readonly string[], matchesSome: boolean): MatrixWarning {
  // Short names are all close to each other: "lr" is no typo of "p" (it would have to be rewritten whole).
  const guess = [closest(key, axisNames)].find((axis) => axis !== undefined && levenshtein(key, axis) < Math.max(key.length, axis.length));
  const effect = matchesSome ? `adds "${key}" to the combinations it matches` : `adds a combination of its own with "${key}"`;
  return {
    code: 'UNKNOWN_MATRIX_KEY',
    path: ['include', index, key],
    message: `include names "${key}", which is not a matrix axis, so it ${effect}`,
    hint: `${guess ? `Did you mean "${guess}"? ` : ''}Axes are ${axisNames.join(', ')}; --strict refuses keys that are not axes.`,
  };
}
