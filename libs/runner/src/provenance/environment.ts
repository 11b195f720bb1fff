import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

export interface Provenance {
  readonly host: string;
  readonly user: string;
  readonly node: string;
  readonly platform: string;
  /** Commit of the repository holding the workflow, with `-dirty` when it has uncommitted changes; undefined outside git. */
  readonly gitCommit: string | undefined;
  readonly packages: Readonly<Record<string, string>>;
}

function gitCommit(directory: string): string | undefined {
  try {
    const run = (args: string[]): string => execFileSync('git', args, { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = run(['rev-parse', 'HEAD']);
    return run(['status', '--porcelain', '--untracked-files=no']) ? `${commit}-dirty` : commit;
  } catch {
    return undefined;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Who ran what where: recorded in the lock file and results of every run. */
export function collectProvenance(workflowDir: string, packageJsonUrls: readonly URL[]): Provenance {
  const packages: Record<string, string> = {};
  for (const url of packageJsonUrls) {
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name && pkg.version) packages[pkg.name] = pkg.version;
    } catch {
      // A package installed without its manifest is still usable; it just goes unrecorded.
    }
  }
  return { host: hostname(), user: safeUser(), node: process.version, platform: `${process.platform}-${process.arch}`, gitCommit: gitCommit(workflowDir), packages };
}
