import type { RunArgs } from '../args.js';

/** Where to log, in order of precedence: --tracking-uri, MLFLOW_TRACKING_URI, the workflow's tracking.uri. */
export function trackingUriFrom(args: RunArgs, workflowUri?: string): string | undefined {
  const uri = args.trackingUri ?? process.env['MLFLOW_TRACKING_URI'] ?? workflowUri;
  if (uri === undefined || uri === '') return undefined;
  // The local file store is not a server: runs are already kept locally, `veriflow sync` pushes them later.
  return /^https?:\/\//.test(uri) ? uri : undefined;
}
