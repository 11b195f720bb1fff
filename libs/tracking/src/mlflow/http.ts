/**
 * HTTP transport for the MLflow REST API over the global `fetch`: JSON in and out, credentials from
 * the environment, per-request timeouts, and retries with backoff on 429 / 5xx / network failures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MlflowError, type FailureKind } from './errors.js';
import { backoffMs, classifyNetworkError, parseRetryAfter, retryableStatus, retryPolicy, unprocessedStatus, type RetryOptions, type RetryPolicy } from './retry.js';

export type Credentials = { readonly token: string } | { readonly username: string; readonly password: string };

/** `MLFLOW_TRACKING_TOKEN` (Bearer) wins over `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD` (Basic). */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const token = env['MLFLOW_TRACKING_TOKEN'];
  if (token) return { token };
  const username = env['MLFLOW_TRACKING_USERNAME'];
  const password = env['MLFLOW_TRACKING_PASSWORD'];
  if (username && password !== undefined) return { username, password };
  return undefined;
}

export interface HttpOptions {
  /** Base URL of the tracking server, e.g. http://127.0.0.1:5000. `user:pass@` in it becomes Basic auth. */
  readonly trackingUri: string;
  readonly retry?: RetryOptions;
  /** Per-request timeout, headers and body together (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Explicit credentials; `null` sends none; undefined reads the environment. */
  readonly credentials?: Credentials | null;
  /** Stand-in for the global fetch (tests). */
  readonly fetch?: typeof fetch;
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** A body that can be produced again for each attempt (streams cannot be replayed). */
export interface BodySource {
  readonly open: () => NonNullable<RequestInit['body']>;
  readonly length?: number;
}

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the tracking URI, e.g. `/api/2.0/mlflow/runs/get`. */
  readonly path: string;
  readonly query?: Query;
  readonly json?: unknown;
  readonly body?: BodySource;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Whether resending after an ambiguous failure (reset, timeout, 5xx) is harmless. Non-idempotent
   * requests are only resent when the server cannot have seen them (connection refused, 429, 503).
   */
  readonly idempotent: boolean;
  readonly timeoutMs?: number;
  /** Overrides the policy's attempt count for this request (1 = no retry). */
  readonly maxAttempts?: number;
}

export class MlflowHttp {
  readonly baseUrl: string;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly #authorization: string | undefined;
  readonly #secrets: readonly string[];
  readonly #fetch: typeof fetch;

  constructor(options: HttpOptions) {
    const url = new URL(options.trackingUri);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`MLflow tracking URI must be http(s)://..., got ${url.protocol}// (set MLFLOW_TRACKING_URI to the tracking server's URL)`);
    }
    let credentials = options.credentials === undefined ? credentialsFromEnv() : (options.credentials ?? undefined);
    if (url.username && options.credentials === undefined) {
      credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    }
    url.username = '';
    url.password = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.policy = retryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
    const secrets: string[] = [];
    if (credentials && 'token' in credentials) {
      this.#authorization = `Bearer ${credentials.token}`;
      secrets.push(credentials.token);
    } else if (credentials) {
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      this.#authorization = `Basic ${basic}`;
      secrets.push(basic, credentials.password);
    }
    this.#secrets = secrets.filter((s) => s.length > 0);
  }

  /** Whether requests carry an Authorization header (its value is never exposed). */
  get authenticated(): boolean {
    return this.#authorization !== undefined;
  }

  url(path: string, query?: Query): string {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** Sends `spec` and parses the JSON answer (an empty body reads as `{}`). */
  json<T>(spec: RequestSpec): Promise<T> {
    return this.send(spec, async (res) => {
      const text = await res.text();
      return (text.trim() === '' ? {} : JSON.parse(text)) as T;
    });
  }

  bytes(spec: RequestSpec): Promise<Uint8Array> {
    return this.send(spec, async (res) => new Uint8Array(await res.arrayBuffer()));
  }

  /**
   * Sends `spec`, retrying as the policy allows, and hands a successful response to `read` (inside
   * the retry loop, so a body cut off mid-way counts as a failed attempt).
   */
  async send<T>(spec: RequestSpec, read: (res: Response) => Promise<T>): Promise<T> {
    const started = Date.now();
    const url = this.url(spec.path, spec.query);
    const fail = (init: { kind: FailureKind; status?: number; errorCode?: string; serverMessage?: string; cause?: unknown }, attempts: number) =>
      new MlflowError({ method: spec.method, endpoint: spec.path, attempts, elapsedMs: Date.now() - started, ...init }, this.#secrets);

    for (let attempt = 1; ; attempt++) {
      let failure: { kind: FailureKind; status?: number; errorCode?: string; serverMessage?: string; cause?: unknown };
      let retryable: boolean;
      let retryAfter: number | undefined;
      try {
        const res = await this.#fetch(url, this.#init(spec));
        if (res.ok) {
          try {
            return await read(res);
          } catch (error) {
            if (error instanceof SyntaxError) throw fail({ kind: 'http', status: res.status, serverMessage: `unreadable JSON answer: ${error.message}`, cause: error }, attempt);
            failure = { kind: 'ambiguous', cause: error };
            retryable = spec.idempotent;
          }
        } else {
          const body = await readError(res);
          failure = { kind: 'http', status: res.status, ...body };
          retryable = retryableStatus(res.status) && (spec.idempotent || unprocessedStatus(res.status));
          retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        }
      } catch (error) {
        if (error instanceof MlflowError) throw error;
        const kind = classifyNetworkError(error);
        failure = { kind: kind ?? 'ambiguous', cause: error };
        retryable = kind === 'connect' || (kind === 'ambiguous' && spec.idempotent);
      }
      const elapsed = Date.now() - started;
      const wait = retryAfter ?? backoffMs(this.policy, attempt);
      const tooLong = retryAfter !== undefined && retryAfter > this.policy.maxRetryAfterMs;
      if (!retryable || tooLong || attempt >= (spec.maxAttempts ?? this.policy.maxAttempts) || elapsed + wait > this.policy.maxElapsedMs) {
        throw fail(failure, attempt);
      }
      await sleep(wait);
    }
  }

  #init(spec: RequestSpec): RequestInit {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'veriflow-mlflow-client', ...spec.headers };
    if (this.#authorization) headers['authorization'] = this.#authorization;
    const init: RequestInit & { duplex?: 'half' } = {
      method: spec.method,
      headers,
      signal: AbortSignal.timeout(spec.timeoutMs ?? this.timeoutMs),
    };
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(spec.json);
    } else if (spec.body) {
      init.body = spec.body.open();
      init.duplex = 'half';
      if (spec.body.length !== undefined) headers['content-length'] = String(spec.body.length);
    }
    return init;
  }
}

async function readError(res: Response): Promise<{ errorCode?: string; serverMessage?: string }> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    const out: { errorCode?: string; serverMessage?: string } = {};
    if (typeof parsed.error_code === 'string') out.errorCode = parsed.error_code;
    if (typeof parsed.message === 'string') out.serverMessage = parsed.message;
    return out;
  } catch {
    const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    return plain ? { serverMessage: plain.slice(0, 500) } : {};
  }
}
