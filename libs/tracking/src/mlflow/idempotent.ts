/**
 * Creation that survives retries: MLflow's create calls are not idempotent, so a create whose answer
 * was lost (reset, timeout, 5xx) is followed by a lookup before anything is created again.
 */
import type { CreateRunOptions, MlflowClient } from './client.js';
import { isMlflowError } from './errors.js';
import { keyProblem, LIMITS, MlflowValidationError, textLength, validateBatch, type KeyValues } from './limits.js';
import type { Experiment, Run } from './types.js';

export interface IdempotentRunOptions extends CreateRunOptions {
  /** Tag `[key, value]` that identifies the run, e.g. `['veriflow.idempotency', '<run>/<instance>']`. */
  readonly idempotencyTag: readonly [string, string];
}

/** Quotes a value for an MLflow filter string. */
export function filterLiteral(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new Error(`cannot search MLflow for a value containing both quote characters: ${JSON.stringify(value)}`);
}

export async function getOrCreateExperiment(client: MlflowClient, name: string, tags?: KeyValues): Promise<Experiment> {
  const existing = await client.getExperimentByName(name);
  if (existing) return active(existing);
  try {
    return await client.getExperiment(await client.createExperiment(name, tags));
  } catch (error) {
    // Someone else created it meanwhile, or our own create went through but its answer was lost.
    if (!isMlflowError(error) || !(error.errorCode === 'RESOURCE_ALREADY_EXISTS' || error.ambiguous)) throw error;
    const raced = await client.getExperimentByName(name);
    if (raced) return active(raced);
    throw error;
  }
}

/** A deleted experiment keeps its name, and MLflow refuses runs in it: say so instead of failing later. */
function active(experiment: Experiment): Experiment {
  if (experiment.lifecycleStage === 'deleted') {
    throw new Error(
      `MLflow experiment "${experiment.name}" (id ${experiment.experimentId}) is deleted; restore it in the MLflow UI or with ` +
        '`mlflow experiments restore`, or permanently remove it with `mlflow gc`, or log to another experiment name',
    );
  }
  return experiment;
}

export async function createRunIdempotent(client: MlflowClient, options: IdempotentRunOptions): Promise<Run> {
  const [key, value] = options.idempotencyTag;
  const problem = keyProblem(key);
  if (problem) throw new MlflowValidationError('tag', key, problem);
  if (textLength(value) > LIMITS.tagValueLength) throw new MlflowValidationError('tag', key, `values are at most ${LIMITS.tagValueLength} characters`);
  const find = async (): Promise<Run | undefined> => {
    const { runs } = await client.searchRuns({
      experimentIds: [options.experimentId],
      filter: `tags.\`${key}\` = ${filterLiteral(value)}`,
      orderBy: ['attributes.start_time ASC'],
      maxResults: 10,
    });
    return runs.find((r) => r.data.tags[key] === value);
  };
  const tags = [...validateBatch({ tags: options.tags ?? [] }).tags.filter((t) => t.key !== key), { key, value }];
  let lastError: unknown;
  for (let round = 0; round < 3; round++) {
    const found = await find();
    if (found) return found;
    try {
      return await client.createRun({ ...options, tags });
    } catch (error) {
      // Only failures after which the run may exist (or may be created on a second try) are worth another look.
      if (!isMlflowError(error) || error.kind === 'client' || (error.kind === 'http' && !error.ambiguous && error.status !== 503 && error.status !== 429)) throw error;
      lastError = error;
    }
  }
  const found = await find();
  if (found) return found;
  throw lastError;
}
