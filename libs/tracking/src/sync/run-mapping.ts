import type { TrackedInstance, TrackedInstanceStatus, TrackedRun } from '../model.js';
import type { RunStatus } from '../mlflow/index.js';

/** MLflow has fewer states than veriflow; the exact one is kept in the `veriflow.status` tag. */
export function mlflowStatus(status: TrackedInstanceStatus | TrackedRun['status']): RunStatus {
  switch (status) {
    case 'running':
      return 'RUNNING';
    case 'succeeded':
    case 'cached':
      return 'FINISHED';
    case 'failed':
      return 'FAILED';
    default:
      return 'KILLED';
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** System tags MLflow's UI understands, plus veriflow's own; the parent run stands for one `veriflow run`. */
export function parentRunTags(run: TrackedRun): Record<string, string> {
  return {
    'mlflow.runName': `${run.workflow} ${run.id}`,
    'mlflow.source.name': run.file,
    'mlflow.source.type': 'LOCAL',
    'mlflow.user': run.user,
    ...(run.gitCommit ? { 'mlflow.source.git.commit': run.gitCommit.replace(/-dirty$/, '') } : {}),
    'veriflow.run_id': run.id,
    'veriflow.workflow': run.workflow,
    'veriflow.file_sha256': run.fileHash,
    'veriflow.host': run.host,
    'veriflow.status': run.status,
    ...(run.preset !== undefined ? { 'veriflow.preset': run.preset } : {}),
    ...(run.overrides.length ? { 'veriflow.overrides': run.overrides.join(' ') } : {}),
  };
}

/** A nested run per step instance (`mlflow.parentRunId`), named by its stable instance name. */
export function instanceRunTags(run: TrackedRun, instance: TrackedInstance, parentRunId: string): Record<string, string> {
  return {
    ...instance.tags,
    'mlflow.parentRunId': parentRunId,
    'mlflow.runName': instance.name,
    'mlflow.source.name': run.file,
    'mlflow.source.type': 'LOCAL',
    'mlflow.user': run.user,
    ...(run.gitCommit ? { 'mlflow.source.git.commit': run.gitCommit.replace(/-dirty$/, '') } : {}),
    'veriflow.run_id': run.id,
    'veriflow.instance': instance.name,
    'veriflow.step': instance.step,
    'veriflow.kind': instance.kind,
    'veriflow.version': instance.version,
    'veriflow.status': instance.status,
    ...(instance.cacheKey ? { 'veriflow.cache_key': instance.cacheKey } : {}),
    ...(instance.status === 'cached' ? { 'veriflow.cache_hit': 'true', ...(instance.producedByRun ? { 'veriflow.produced_by_run': instance.producedByRun } : {}) } : {}),
    ...Object.fromEntries(Object.entries(instance.matrix).map(([key, value]) => [`veriflow.matrix.${key}`, text(value)])),
  };
}

const EXTENSIONS: Record<string, string> = { 'image/svg+xml': '.svg', 'image/png': '.png', 'text/csv': '.csv', 'application/json': '.json' };

/** Artifact file name in MLflow: the output name with an extension from its media type, so the UI previews it. */
export function artifactFileName(name: string, media: string | undefined): string {
  const extension = media ? (EXTENSIONS[media] ?? '') : '';
  return name.endsWith(extension) ? name : `${name}${extension}`;
}
