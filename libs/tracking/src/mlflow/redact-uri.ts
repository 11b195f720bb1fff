/** `scheme://` and the authority after it (everything up to the path, query or fragment). */
const AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)/;

/**
 * A URI fit to show: its userinfo (`user:password@`) masked as `user:***@`, or dropped with `'drop'` (for
 * a command line to copy, where credentials belong in MLFLOW_TRACKING_USERNAME / _PASSWORD). Every
 * message, warning and suggestion that shows a tracking or artifact URI goes through this.
 */
export function redactUri(uri: string, userinfo: 'mask' | 'drop' = 'mask'): string {
  return uri.replace(AUTHORITY, (whole: string, scheme: string, authority: string) => {
    // The last '@' ends the userinfo: a password may hold an unescaped '@' of its own.
    const at = authority.lastIndexOf('@');
    if (at < 0) return whole;
    const host = authority.slice(at + 1);
    if (userinfo === 'drop') return `${scheme}${host}`;
    const colon = authority.indexOf(':');
    // A lone userinfo is often a token: mask all of it.
    return colon < 0 || colon > at ? `${scheme}***@${host}` : `${scheme}${authority.slice(0, colon)}:***@${host}`;
  });
}

/** Whether `uri` carries credentials in its userinfo. */
export function hasUserinfo(uri: string): boolean {
  return redactUri(uri, 'drop') !== uri;
}
