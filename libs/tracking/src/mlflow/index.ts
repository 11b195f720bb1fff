/** MLflow tracking REST client: typed, retrying, splitting batches to MLflow's limits. */
export { MlflowClient, type CreateRunOptions, type LogBatchResult, type MlflowClientOptions, type RunRef, type SearchRunsOptions } from './client.js';
export { filterLiteral, type IdempotentRunOptions } from './idempotent.js';
export { MlflowError, isMlflowError, redact, type FailureKind } from './errors.js';
export { hasUserinfo, redactUri } from './redact-uri.js';
export { MlflowHttp, credentialsFromEnv, type Credentials, type HttpOptions, type RequestSpec } from './http.js';
export { defaultRetry, parseRetryAfter, backoffMs, type RetryOptions, type RetryPolicy } from './retry.js';
export {
  LIMITS,
  MlflowValidationError,
  keyProblem,
  sanitizeKey,
  splitBatch,
  validateBatch,
  type BatchInput,
  type InvalidPolicy,
  type KeyValue,
  type KeyValues,
  type MetricInput,
  type ValidatedBatch,
  type WireBatch,
} from './limits.js';
export { checkDataset, type DatasetInputSpec } from './inputs.js';
export { ARTIFACTS_ROUTE, checkArtifactPath, proxiedRoot } from './artifacts.js';
export type { Dataset, DatasetInput, Experiment, FileInfo, Metric, Run, RunInfo, RunStatus } from './types.js';
