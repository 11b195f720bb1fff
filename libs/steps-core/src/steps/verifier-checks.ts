import { defineStep } from '@veriflow/step-api';
import type { StepLogger } from '@veriflow/step-api';
import { labelOf } from '../plot/format.js';
import { FieldLookup, instancesSchema, shortName, toPlotInstances } from '../plot/instance-fields.js';
import { finalRows, paperChecks } from '../verification/paper-checks.js';
import type { PaperCheck, VerifierRow } from '../verification/paper-checks.js';

/**
 * `core/verifier-checks`: the paper's claims about verifiers, stated for one run (see
 * verification/paper-checks.ts for the checks). Choices made here:
 *  - without `generator`, the generator checks asked for are reported with `held: null` (not evaluated);
 *    `all_held` is then false and `fail_on_miss` fails, so a CI job cannot pass a check it never ran;
 *  - with `size`, each verifier is judged by its row at its own largest size; several rows there
 *    (e.g. seeds) are an error, as without `size`: the step compares single runs and averages nothing;
 *  - instances whose verifier label is null, or (with `size`) whose size is not a number, are left out
 *    with a warning; a null or missing p* or metric keeps the row, as null.
 */
const STEP = 'core/verifier-checks';

const field = <D extends string>(fallback: D, description: string) => ({ type: 'string', minLength: 1, default: fallback, description }) as const;

export const verifierChecks = defineStep({
  name: STEP,
  version: '1',
  description:
    'States whether the paper\'s claims held across the verifiers of a run: higher p* trains better models (Spearman), ' +
    'no verification ends at or below the generator, an oracle beats it. Field paths are looked up as in core/plot.',
  with: {
    type: 'object',
    properties: {
      from: instancesSchema('The evaluation instances, one per verifier (or per verifier and size): `${{ steps.<id>.instances }}`.'),
      verifier: field('verifier', 'The field holding the verifier\'s label.'),
      p_star: field('p_star', 'The field holding the verifier\'s measured p* (null: left out of the correlation).'),
      metric: field('accuracy', 'The field holding the trained model\'s metric (higher is better).'),
      size: {
        type: 'string',
        minLength: 1,
        description: 'The field holding the synthesized data size (e.g. n): each verifier is then judged by its row at its largest size.',
      },
      generator: { type: 'number', description: 'The generator\'s value of the metric. Without it the generator checks are reported as not evaluated.' },
      unverified: { type: 'string', description: 'Label of the run without verification: checks it ends at or below the generator (+ margin).' },
      oracle: { type: 'string', description: 'Label of the oracle: checks it beats the generator.' },
      margin: { type: 'number', minimum: 0, default: 0, description: 'Slack for "unverified ends at or below the generator".' },
      min_spearman: { type: 'number', minimum: -1, maximum: 1, default: 0.8, description: 'Least Spearman ρ(p*, metric) for "higher p* trains better models".' },
      min_verifiers: { type: 'integer', minimum: 2, default: 4, description: 'Least number of verifiers with both p* and metric for that check.' },
      fail_on_miss: {
        type: 'boolean',
        default: false,
        description: 'Fail the step, listing every check that did not hold (a check that was not evaluated counts), e.g. in CI.',
      },
    },
    required: ['from'],
    additionalProperties: false,
  },
  outputs: {
    checks: { kind: 'json', description: 'Array of { name, held: true | false | null (not evaluated), detail }.' },
    all_held: { kind: 'boolean', description: 'Every check held (one not evaluated did not).' },
    spearman: { kind: 'json', description: 'Spearman ρ between p* and the metric, or null when undefined.' },
    verifiers: { kind: 'json', description: 'The rows judged, { verifier, p_star, metric, size? }, sorted by p*.' },
  },
}).run(async (ctx) => {
  const w = ctx.with;
  const instances = toPlotInstances(w.from);
  const { rows, report } = speakingAsThisStep(() => {
    const rows = finalRows(readRows(new FieldLookup(instances, ctx.log, STEP), w, ctx.log), w.size !== undefined);
    const report = paperChecks(rows, {
      metricName: shortName(w.metric),
      generator: w.generator,
      unverified: w.unverified,
      oracle: w.oracle,
      margin: w.margin,
      minSpearman: w.min_spearman,
      minVerifiers: w.min_verifiers,
    });
    return { rows, report };
  });
  for (const check of report.checks) ctx.log.info(`${mark(check)} ${check.name}: ${check.detail}`);
  if (report.spearman !== null) ctx.metrics.log('spearman', report.spearman);
  const missed = report.checks.filter((check) => check.held !== true);
  if (w.fail_on_miss && missed.length > 0) {
    throw new Error(
      `${STEP}: ${missed.length} of ${report.checks.length} checks did not hold (fail_on_miss is set):\n` +
        missed.map((check) => `  ${mark(check)} ${check.name}: ${check.detail}`).join('\n'),
    );
  }
  return { checks: report.checks, all_held: report.allHeld, spearman: report.spearman, verifiers: rows };
});

interface Fields {
  readonly verifier: string;
  readonly p_star: string;
  readonly metric: string;
  readonly size?: string;
}

/** One row per instance that has a verifier label (and, with `size`, a size); non-finite numbers become null. */
function readRows(lookup: FieldLookup, fields: Fields, log: StepLogger): VerifierRow[] {
  const labels = lookup.values(fields.verifier, 'verifier');
  const pStars = lookup.numbers(fields.p_star, 'p_star');
  const metrics = lookup.numbers(fields.metric, 'metric');
  const sizes = fields.size === undefined ? undefined : lookup.numbers(fields.size, 'size');
  const rows: VerifierRow[] = [];
  const unusable: string[] = [];
  lookup.instances.forEach((instance, i) => {
    const label = labels[i];
    if (label === undefined) return; // the lookup warned about it
    const size = sizes?.[i];
    if (label === null) unusable.push(`${instance.name} (its verifier is null)`);
    else if (size !== undefined && !Number.isFinite(size)) unusable.push(`${instance.name} (no size)`);
    else rows.push({ verifier: labelOf(label), p_star: finite(pStars[i]!), metric: finite(metrics[i]!), ...(size === undefined ? {} : { size }) });
  });
  if (unusable.length > 0) log.warn(`${STEP}: ${unusable.length} of ${lookup.instances.length} instances are left out: ${unusable.join(', ')}`);
  return rows;
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function mark(check: PaperCheck): string {
  return check.held === true ? '✓' : check.held === false ? '✗' : '–';
}

function speakingAsThisStep<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    throw new Error(error.message.startsWith(`${STEP}: `) ? error.message : `${STEP}: ${error.message}`, { cause: error });
  }
}
