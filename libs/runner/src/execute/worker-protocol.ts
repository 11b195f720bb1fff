import type { ContextParts } from './step-context.js';

/** What the worker needs to rebuild the context: plain data only. */
export interface WorkerRequest {
  readonly module: string;
  readonly kind: string;
  readonly parts: Omit<ContextParts, 'signal' | 'metrics' | 'sinks'>;
}

export type ParentMessage = { readonly type: 'run'; readonly request: WorkerRequest } | { readonly type: 'abort'; readonly reason: string };

export type WorkerMessage =
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'debug'; readonly line: string }
  | { readonly type: 'metric'; readonly key: string; readonly value: number; readonly step: number }
  | { readonly type: 'progress'; readonly fraction: number }
  | { readonly type: 'done'; readonly values: Record<string, unknown> }
  | { readonly type: 'error'; readonly message: string; readonly stack: string | undefined };
