/**
 * Errors from the MLflow client. The first line of every message says what failed and what to do;
 * credentials never appear in it (see `redact`).
 */

/** Why a request failed, as far as retrying is concerned. */
export type FailureKind =
  /** The server answered with an HTTP error. */
  | 'http'
  /** No connection was made: the request never reached the server. */
  | 'connect'
  /** The connection broke or timed out after the request may have been sent: it may or may not have taken effect. */
  | 'ambiguous'
  /** Refused on the client before sending (validation). */
  | 'client';

export interface MlflowErrorInit {
  readonly method: string;
  readonly endpoint: string;
  readonly status?: number | undefined;
  readonly errorCode?: string | undefined;
  readonly serverMessage?: string | undefined;
  readonly kind: FailureKind;
  readonly attempts?: number | undefined;
  readonly elapsedMs?: number | undefined;
  readonly cause?: unknown;
}

export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** MLflow's `error_code`, e.g. RESOURCE_DOES_NOT_EXIST, when the server sent one. */
  readonly errorCode: string | undefined;
  /** Method and path of the request, without query or credentials, e.g. `POST /api/2.0/mlflow/runs/create`. */
  readonly endpoint: string;
  readonly kind: FailureKind;
  /** How many attempts were made (1 = not retried). */
  readonly attempts: number;
  /** The server's own message, redacted. */
  readonly serverMessage: string | undefined;

  constructor(init: MlflowErrorInit, secrets: readonly string[] = []) {
    const endpoint = `${init.method} ${init.endpoint}`;
    super(redact(describe(endpoint, init), secrets), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.endpoint = redact(endpoint, secrets);
    this.kind = init.kind;
    this.attempts = init.attempts ?? 1;
    this.serverMessage = init.serverMessage === undefined ? undefined : redact(init.serverMessage, secrets);
  }

  /** True when the request may have reached MLflow and taken effect although it failed. */
  get ambiguous(): boolean {
    return this.kind === 'ambiguous' || (this.kind === 'http' && this.status !== undefined && this.status >= 500 && this.status !== 503);
  }
}

export function isMlflowError(error: unknown, errorCode?: string): error is MlflowError {
  return error instanceof MlflowError && (errorCode === undefined || error.errorCode === errorCode);
}

function describe(endpoint: string, init: MlflowErrorInit): string {
  const tries = (init.attempts ?? 1) > 1 ? ` after ${init.attempts} attempts in ${((init.elapsedMs ?? 0) / 1000).toFixed(1)} s` : '';
  const what = init.status !== undefined ? `${init.status}${init.errorCode ? ` ${init.errorCode}` : ''}` : init.kind === 'client' ? 'refused' : networkText(init.cause);
  const server = init.serverMessage ? `: ${firstLine(init.serverMessage, 300)}` : '';
  const head = `MLflow request ${endpoint} failed${tries} (${what})${server}. ${hint(init)}`;
  const rest = init.serverMessage && init.serverMessage.length > 300 ? `\n${init.serverMessage.slice(0, 4000)}` : '';
  return head + rest;
}

function hint(init: MlflowErrorInit): string {
  if (init.kind === 'client') return 'Fix the value named above.';
  if (init.kind === 'connect') return 'Check that the MLflow server is running and that MLFLOW_TRACKING_URI points at it.';
  if (init.kind === 'ambiguous') return 'The connection broke or timed out; check the server and network, then retry (the request may have been applied).';
  const status = init.status ?? 0;
  if (status === 401 || status === 403) return 'Check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD.';
  if (init.errorCode === 'RESOURCE_DOES_NOT_EXIST') return 'The experiment, run or artifact does not exist on this server.';
  if (init.errorCode === 'RESOURCE_ALREADY_EXISTS') return 'It already exists; fetch it instead of creating it.';
  if (status === 404 || status === 405) return 'The endpoint is missing: check the tracking URI and that the server is MLflow 2.x or later with artifact serving enabled.';
  if (status === 429) return 'The server is rate limiting; retry later or raise the retry budget.';
  if (status >= 500) return 'The MLflow server failed; check its logs and retry later.';
  if (status === 400 || init.errorCode === 'INVALID_PARAMETER_VALUE') return 'Fix the request as the server says.';
  return 'See the server message.';
}

function firstLine(text: string, max: number): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

function networkText(cause: unknown): string {
  const code = networkCode(cause);
  if (code) return code;
  if (cause instanceof Error) return cause.message;
  return 'network error';
}

/** The system or undici error code of a fetch failure (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...), or a name for aborts. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (typeof current === 'object' && current !== null) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string') return code;
      const name = (current as { name?: unknown }).name;
      if (name === 'TimeoutError') return 'TIMEOUT';
      current = (current as { cause?: unknown }).cause;
    } else break;
  }
  return undefined;
}

/** Replaces every secret (and its base64 Basic form is passed in by the caller) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}
