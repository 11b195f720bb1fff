/** What a lock file holds: who took it, so others can tell a live holder from one that is gone. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO timestamp. */
  readonly createdAt: string;
  /** Random and unique to one acquisition; absent in locks written by older versions. */
  readonly token?: string;
  /** processStartOf(pid) when the lock was taken, so a recycled pid is not mistaken for the holder. */
  readonly start?: string;
  /** What the holder is, for messages, e.g. "run 20261203-092150-de770c". */
  readonly label?: string;
}

/** The owner in a lock file's text, or undefined when it is empty, half-written or not a lock. */
export function parseOwner(text: string): LockOwner | undefined {
  let value: Record<string, unknown> | null;
  try {
    value = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    return undefined;
  }
  if (!value || typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.createdAt !== 'string') return undefined;
  const optional = (name: string): string | undefined => (typeof value[name] === 'string' ? value[name] : undefined);
  const [token, start, label] = [optional('token'), optional('start'), optional('label')];
  return { pid: value.pid, host: value.host, createdAt: value.createdAt, ...(token ? { token } : {}), ...(start ? { start } : {}), ...(label ? { label } : {}) };
}
