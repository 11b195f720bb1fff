import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

const TEMP_NAME = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/** A unique sibling of `target`: same directory, so the final rename never crosses filesystems. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}
