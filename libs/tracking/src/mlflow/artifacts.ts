/**
 * Run artifacts through the tracking server's artifact proxy (`mlflow server` with
 * `--artifacts-destination`): a run whose artifact_uri is `mlflow-artifacts:/<exp>/<run>/artifacts`
 * lives at `PUT|GET /api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { MlflowHttp } from './http.js';
import type { FileInfo, RunInfo, WireFileInfo } from './types.js';
import { toFileInfo } from './types.js';
import { redactUri } from './redact-uri.js';

export const ARTIFACTS_ROUTE = '/api/2.0/mlflow-artifacts/artifacts';

/** Refuses absolute paths, backslashes and `..`, which the server would refuse (or worse, resolve). */
export function checkArtifactPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (path.startsWith('/') || path.includes('\\') || trimmed.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new Error(`artifact path ${JSON.stringify(path)} must be relative, use forward slashes, and contain no "." or ".." segments`);
  }
  return trimmed;
}

/**
 * The proxy path (under ARTIFACTS_ROUTE, not yet encoded) of a run's artifact root, or undefined
 * when the run's artifacts are not served through the tracking server.
 */
export function proxiedRoot(artifactUri: string): string | undefined {
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    // mlflow-artifacts:/path or mlflow-artifacts://host:port/path: the path component names the location.
    const url = new URL(artifactUri);
    return url.pathname.replace(/^\/+|\/+$/g, '');
  }
  if (/^https?:/.test(artifactUri)) {
    const anchor = `${ARTIFACTS_ROUTE}/`;
    const at = artifactUri.indexOf(anchor);
    return at < 0 ? undefined : artifactUri.slice(at + anchor.length).replace(/\/+$/g, '');
  }
  return undefined;
}

function encodePath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
}

function proxyPath(run: RunInfo, artifactPath: string): string {
  const root = proxiedRoot(run.artifactUri);
  if (root === undefined) {
    throw new Error(
      `run ${run.runId} stores artifacts at ${redactUri(run.artifactUri)}, which the tracking server does not proxy; ` +
        'start the server with --artifacts-destination (artifact serving on) and log to a new experiment',
    );
  }
  const relative = checkArtifactPath(artifactPath);
  return `${ARTIFACTS_ROUTE}/${encodePath(root)}/${encodePath(relative)}`;
}

export interface UploadOptions {
  readonly contentType?: string;
  /** Timeout for the whole upload (default 600 000 ms). */
  readonly timeoutMs?: number;
}

/** Streams `localPath` to `artifactPath` in the run's artifact root; safe to retry (PUT overwrites). */
export async function uploadArtifact(http: MlflowHttp, run: RunInfo, localPath: string, artifactPath: string, options: UploadOptions = {}): Promise<void> {
  const path = proxyPath(run, artifactPath);
  const info = await stat(localPath);
  if (!info.isFile()) throw new Error(`cannot upload ${localPath} as an MLflow artifact: not a regular file`);
  await http.json({
    method: 'PUT',
    path,
    body: { open: () => createReadStream(localPath) as unknown as AsyncIterable<Uint8Array>, length: info.size },
    headers: { 'content-type': options.contentType ?? 'application/octet-stream' },
    idempotent: true,
    timeoutMs: options.timeoutMs ?? 600_000,
  });
}

export async function downloadArtifact(http: MlflowHttp, run: RunInfo, artifactPath: string, timeoutMs = 600_000): Promise<Uint8Array> {
  if (proxiedRoot(run.artifactUri) === undefined) {
    // Not proxied: the server can still read it for us from wherever the run stores artifacts.
    return http.bytes({ method: 'GET', path: '/get-artifact', query: { run_id: run.runId, path: checkArtifactPath(artifactPath) }, idempotent: true, timeoutMs });
  }
  return http.bytes({ method: 'GET', path: proxyPath(run, artifactPath), idempotent: true, timeoutMs });
}

/** Direct children of `path` (default: the root), paths relative to the run's artifact root. */
export async function listArtifacts(http: MlflowHttp, runId: string, path?: string): Promise<FileInfo[]> {
  const files: FileInfo[] = [];
  let pageToken: string | undefined;
  do {
    const page = await http.json<{ files?: WireFileInfo[]; next_page_token?: string }>({
      method: 'GET',
      path: '/api/2.0/mlflow/artifacts/list',
      query: { run_id: runId, path: path === undefined || path === '' ? undefined : checkArtifactPath(path), page_token: pageToken },
      idempotent: true,
    });
    files.push(...(page.files ?? []).map(toFileInfo));
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return files;
}
