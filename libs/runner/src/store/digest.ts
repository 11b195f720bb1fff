const DIGEST_PATTERN = /^sha256:([0-9a-f]{64})$/;

/** `sha256:<hex>`, the form digests take in records, lock files and on screen. */
export function formatDigest(hex: string): string {
  const digest = `sha256:${hex}`;
  parseDigest(digest);
  return digest;
}

/** The hex part of a digest; throws on anything else so that a digest can never name a path outside the store. */
export function parseDigest(digest: string): string {
  const match = DIGEST_PATTERN.exec(digest);
  if (!match?.[1]) {
    throw new Error(`"${digest}" is not a valid digest; expected "sha256:" followed by 64 lowercase hex digits`);
  }
  return match[1];
}

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

const CACHE_KEY_PATTERN = /^[0-9a-f]{16,128}$/;

export function isCacheKey(value: unknown): value is string {
  return typeof value === 'string' && CACHE_KEY_PATTERN.test(value);
}

/** Cache keys become file names, so anything but a hex digest is refused. */
export function assertCacheKey(key: string): void {
  if (!isCacheKey(key)) {
    throw new Error(`"${key}" is not a valid cache key; keys are lowercase hex digests, e.g. sha256Hex(canonicalJson(identity))`);
  }
}
