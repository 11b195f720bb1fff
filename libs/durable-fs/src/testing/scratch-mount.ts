/**
 * Test helper: a real small or read-only file system, so tests see the kernel's own ENOSPC and EROFS
 * (as root, permissions do not stop writes). Needs root with CAP_SYS_ADMIN, as on CI; elsewhere
 * `mountScratch` returns the reason to skip.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchMount {
  readonly dir: string;
  /** Remounts the file system read-only (or read-write again). */
  setReadOnly(readOnly: boolean): void;
  dispose(): void;
}

const mount = (args: readonly string[]): void => {
  execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** A tmpfs of `sizeBytes` on a fresh directory, or why one cannot be mounted here. */
export function mountScratch(sizeBytes: number): ScratchMount | { readonly skip: string } {
  const dir = mkdtempSync(join(tmpdir(), 'veriflow-scratch-fs-'));
  try {
    mount(['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'veriflow-scratch', dir]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const said = ((error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message).trim().split('\n')[0];
    return { skip: `cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN; mount said: ${said})` };
  }
  return {
    dir,
    setReadOnly: (readOnly) => mount(['-o', readOnly ? 'remount,ro' : 'remount,rw', dir]),
    dispose: () => {
      execFileSync('umount', ['--lazy', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
