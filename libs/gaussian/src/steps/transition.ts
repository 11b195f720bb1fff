import { defineStep } from '@veriflow/step-api';
import { averageCurve, compareTransition } from '../analysis/transition.js';
import type { CurvePoint, Transition } from '../analysis/transition.js';

interface Instance {
  readonly name: string;
  readonly matrix: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
}

/** A field of an instance: its outputs first, then its matrix values (as plots look them up). */
function field(instance: Instance, name: string): unknown {
  return name in instance.outputs ? instance.outputs[name] : instance.matrix[name];
}

const label = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export const transition = defineStep({
  name: 'gaussian/transition',
  version: '2',
  description: 'Finds where each verifier\'s accuracy-vs-p curve falls through the midpoint between Bayes and 1 − Bayes, and compares it with the predicted p*.',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['from'],
    properties: {
      from: { type: 'array', description: 'The evaluations, as ${{ steps.evaluate.instances }}.', items: { type: 'object' } },
      x: { type: 'string', default: 'p', description: 'The generator error rate field.' },
      y: { type: 'string', default: 'accuracy' },
      series: { type: 'string', default: 'verifier' },
      predicted: { type: 'string', default: 'p_star_predicted', description: 'The predicted breakdown point field.' },
      tolerance: { type: 'number', exclusiveMinimum: 0, default: 0.03 },
    },
  },
  outputs: {
    table: { kind: 'artifact', description: 'Per verifier: predicted and measured transition, error, within tolerance (JSON).' },
    transitions: { kind: 'json', description: 'Per verifier: { series, predicted, measured (null: no crossing), error (null: none measurable), within }, for expectations.' },
    max_error: { kind: 'number', description: 'Largest |measured − predicted| over the verifiers.' },
    all_within: { kind: 'boolean', description: 'Every verifier\'s transition lies within tolerance of its prediction.' },
  },
}).run(async (ctx) => {
  const { x, y, series, predicted, tolerance } = ctx.with;
  const groups = new Map<string, { points: CurvePoint[]; predicted: number[]; bayes: number[] }>();
  for (const instance of ctx.with.from as unknown as Instance[]) {
    const key = label(field(instance, series));
    const group = groups.get(key) ?? { points: [], predicted: [], bayes: [] };
    const px = Number(field(instance, x));
    const py = Number(field(instance, y));
    if (!Number.isFinite(px) || !Number.isFinite(py)) throw new Error(`${instance.name} has no numeric "${x}" and "${y}"; pass them through gaussian/evaluate's carry`);
    group.points.push({ x: px, y: py });
    group.predicted.push(Number(field(instance, predicted)));
    const bayes = Number(field(instance, 'bayes_accuracy'));
    if (Number.isFinite(bayes)) group.bayes.push(bayes);
    groups.set(key, group);
  }
  if (groups.size === 0) throw new Error('no instances to analyse: from is empty');
  const rows: Transition[] = [];
  for (const [name, group] of groups) {
    const pStar = group.predicted.reduce((a, b) => a + b, 0) / group.predicted.length;
    if (!Number.isFinite(pStar)) throw new Error(`series ${name} has no numeric "${predicted}"`);
    const bayes = group.bayes.length ? group.bayes.reduce((a, b) => a + b, 0) / group.bayes.length : 1;
    // The midpoint between Bayes accuracy and its mirror 1 − Bayes, i.e. 0.5 for this symmetric mixture.
    const level = (bayes + (1 - bayes)) / 2;
    const row = compareTransition(name, averageCurve(group.points), pStar, level, tolerance);
    rows.push(row);
    ctx.log.info(`${name}: predicted p* ${pStar.toFixed(3)}, measured ${row.measured === null ? 'no crossing' : row.measured.toFixed(3)}, error ${row.error.toFixed(3)} ${row.within ? '✓' : '✗'}`);
  }
  const maxError = Math.max(...rows.map((row) => row.error));
  const transitions = rows.map((row) => ({ ...row, error: Number.isFinite(row.error) ? row.error : null }));
  await ctx.writeJson('table', { tolerance, transitions });
  if (Number.isFinite(maxError)) ctx.metrics.log('max_transition_error', maxError);
  return { transitions, max_error: Number.isFinite(maxError) ? maxError : 1, all_within: rows.every((row) => row.within) };
});
