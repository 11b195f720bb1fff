import { readFileSync } from 'node:fs';
import { isErrno } from '@veriflow/durable-fs';

/** Whether `pid` names a live process on this host (EPERM means it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isErrno(error, 'ESRCH');
  }
}

let bootId: string | undefined;

function currentBootId(): string {
  bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return bootId;
}

/**
 * An opaque name for one process that no later process gets, even when it is given the same pid:
 * the boot id and the start time in clock ticks since boot (field 22 of /proc/<pid>/stat). Undefined
 * where /proc is not available (not Linux, or mounted with hidepid) or the process is gone.
 */
export function processStartOf(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[22 - 3];
    return ticks !== undefined && /^[0-9]+$/.test(ticks) ? `${currentBootId()}:${ticks}` : undefined;
  } catch {
    return undefined;
  }
}
