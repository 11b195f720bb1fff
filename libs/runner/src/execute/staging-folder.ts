import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '@veriflow/durable-fs';

const STAGING_NAME = /^instance-([0-9a-f]{16,128})-/;

/**
 * An instance's scratch folder under `root`, named after its cache key so that a later run can tell
 * whether anything still owns it. Another run's housekeeping may remove an empty `root` between the
 * mkdir and the mkdtemp, so that race is retried.
 */
export async function makeStaging(root: string, key: string): Promise<string> {
  for (let tries = 1; ; tries++) {
    await mkdir(root, { recursive: true });
    try {
      return await mkdtemp(join(root, `instance-${key}-`));
    } catch (error) {
      if (!isErrno(error, 'ENOENT') || tries >= 5) throw error;
    }
  }
}

/** The cache key a scratch folder made by makeStaging belongs to; undefined for any other name. */
export function stagingKeyOf(name: string): string | undefined {
  return STAGING_NAME.exec(name)?.[1];
}
