import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const POLL_MS = 50;
/** After SIGKILL, how long to wait for the kernel to take the members down before giving up on them. */
const AFTER_KILL_MS = 2_000;
/** Windows has no process groups: there the program alone is signalled. */
const GROUPS = process.platform !== 'win32';

/** Groups still running, killed outright if this process exits first (a second Ctrl-C, a crash). */
const running = new Set<ProcessGroup>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // An `exit` listener runs synchronously even on process.exit(): the last chance to take the programs
  // down, which no longer share our terminal's Ctrl-C once they run in a session of their own.
  process.on('exit', () => {
    for (const group of running) group.signal('SIGKILL');
  });
}

/**
 * The process group of a program started as its leader (`detached`: a session of its own), so that its
 * children and their children (a `sh -c` pipeline, a launcher's workers) are members too. Signalling the
 * group reaches them all; signalling the program alone would leave them running as orphans that hold
 * its output pipes open.
 */
export class ProcessGroup {
  #stopping: Promise<void> | undefined;

  constructor(readonly id: number) {
    killAllOnExit();
    running.add(this);
  }

  /** Sends `signal` to every member; false when none is left. */
  signal(signal: NodeJS.Signals | 0): boolean {
    try {
      process.kill(GROUPS ? -this.id : this.id, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  }

  /** True while a member still runs. Zombies do not count: they are dead, merely not yet reaped by their parent. */
  async alive(): Promise<boolean> {
    if (!this.signal(0)) return false;
    if (process.platform !== 'linux') return true;
    return hasLiveMember(this.id);
  }

  /**
   * SIGTERM to every member, SIGKILL to whatever is left after `graceMs` (a program that traps SIGTERM
   * gets that long to save a checkpoint). Resolves once no member runs; calling it again joins the first stop.
   */
  stop(graceMs: number): Promise<void> {
    this.#stopping ??= this.#terminate(graceMs).finally(() => running.delete(this));
    return this.#stopping;
  }

  /** Forgets a group whose members are all gone, so a later exit does not signal a reused id. */
  release(): void {
    running.delete(this);
  }

  async #terminate(graceMs: number): Promise<void> {
    this.signal('SIGTERM');
    const killAt = Date.now() + graceMs;
    let killedAt: number | undefined;
    while (await this.alive()) {
      if (killedAt === undefined && Date.now() >= killAt) {
        this.signal('SIGKILL');
        killedAt = Date.now();
      }
      if (killedAt !== undefined && Date.now() - killedAt > AFTER_KILL_MS) return;
      await delay(POLL_MS);
    }
  }
}

/** Scans /proc for a process of group `id` that is not a zombie (state Z) or dead (X). */
async function hasLiveMember(id: number): Promise<boolean> {
  const entries = await readdir('/proc').catch(() => undefined);
  if (entries === undefined) return true;
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (group === String(id) && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}
