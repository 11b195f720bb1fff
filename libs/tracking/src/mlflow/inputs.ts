/** Dataset inputs (`runs/log-inputs`): what the client accepts and how it is checked and sent. */
import { LIMITS, MlflowValidationError, textLength } from './limits.js';

export interface DatasetInputSpec {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
  /** Recorded as the `mlflow.data.context` input tag, e.g. `training`. */
  readonly context?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export function checkDataset(d: DatasetInputSpec): void {
  const over = (what: string, text: string | undefined, max: number): void => {
    if (text !== undefined && textLength(text) > max) throw new MlflowValidationError('dataset', d.name, `${what} is over ${max} characters`);
  };
  if (!d.name) throw new MlflowValidationError('dataset', d.name, 'name must not be empty');
  over('name', d.name, LIMITS.datasetName);
  over('digest', d.digest, LIMITS.datasetDigest);
  over('source', d.source, LIMITS.datasetSource);
  over('schema', d.schema, LIMITS.datasetSchema);
  over('profile', d.profile, LIMITS.datasetProfile);
  for (const [key, value] of Object.entries(inputTags(d))) {
    over(`tag ${key}`, key, LIMITS.inputTagKey);
    over(`tag ${key} value`, value, LIMITS.inputTagValue);
  }
}

function inputTags(d: DatasetInputSpec): Record<string, string> {
  return { ...d.tags, ...(d.context === undefined ? {} : { 'mlflow.data.context': d.context }) };
}

/** Checks `d` against MLflow's size limits and converts it to the wire shape. */
export function toWireDatasetInput(d: DatasetInputSpec) {
  checkDataset(d);
  return {
    tags: Object.entries(inputTags(d)).map(([key, value]) => ({ key, value })),
    dataset: { name: d.name, digest: d.digest, source_type: d.sourceType, source: d.source, schema: d.schema, profile: d.profile },
  };
}
