/**
 * The exact command that uploads a run later, printed whenever records did not reach the
 * server. It never carries the API key: `sync` finds the saved login or SWANLAB_API_KEY.
 */

/** Quote for a POSIX shell when needed. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `swanlab-node sync <dir> --id <id> [--host <api host>]`. */
export function syncCommand(runDir: string, id: string, apiHost: string | undefined): string {
  return `swanlab-node sync ${shellQuote(runDir)} --id ${shellQuote(id)}${apiHost ? ` --host ${shellQuote(apiHost)}` : ''}`;
}
