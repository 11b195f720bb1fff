import { hostname } from 'node:os';
import type { LockEvent, LockOwner } from '../store/index.js';
import { formatMs } from './attempt.js';

function holderOf(owner: LockOwner | undefined): string {
  if (!owner) return 'a process still writing the lock file';
  const where = `pid ${owner.pid} on ${owner.host === hostname() ? 'this host' : `host ${owner.host}`} since ${owner.createdAt}`;
  return owner.label ? `${owner.label} (${where})` : where;
}

/** One line for the instance log: whom a run waits for (and what ends the wait), or whose lock it took over. */
export function describeLockEvent(event: LockEvent, what: string): string {
  if (event.kind === 'took-over') return `took over the lock on ${what} from ${holderOf(event.holder)}: ${event.why}`;
  const waiting = event.waitedMs > 0 ? `still waiting after ${formatMs(event.waitedMs)} for` : 'waiting for';
  const until =
    event.takeoverInMs === undefined
      ? 'it is released when that process finishes or dies'
      : `its last heartbeat was ${formatMs(Math.max(0, event.heartbeatAgeMs))} ago, taken over in ${formatMs(event.takeoverInMs)} unless it resumes (--lock-timeout)`;
  return `${waiting} the lock on ${what}: held by ${holderOf(event.holder)}; ${until}`;
}
