/**
 * Which API key and hosts a run or command uses (spec 5.1, 6.2): an explicit key, then
 * `SWANLAB_API_KEY`, then the saved login, which also supplies the hosts when none are set.
 */
import { envValue } from './env.js';
import { resolveHosts, type Hosts } from './hosts.js';
import { readLogin } from './netrc.js';

/** A key with the hosts it belongs to. */
export interface Credentials extends Hosts {
  apiKey: string;
  /** Where the key came from, for messages (never the key itself). */
  source: 'option' | 'env' | 'netrc';
}

/**
 * Resolve the key and hosts; `undefined` key when none is available. The saved login is used
 * only when no host is set, or when it is for the host that is set (as SwanLab does).
 */
export function resolveCredentials(
  apiKey: string | undefined,
  apiHost: string | undefined,
  webHost: string | undefined,
  names?: { api: string; web: string },
): Hosts & { apiKey: string | undefined; source: Credentials['source'] | undefined } {
  const hosts = resolveHosts(apiHost, webHost, names);
  if (apiKey !== undefined) return { ...hosts, apiKey, source: 'option' };
  const env = envValue('SWANLAB_API_KEY');
  if (env !== undefined) return { ...hosts, apiKey: env, source: 'env' };
  const saved = readLogin();
  const hostGiven = apiHost !== undefined || envValue('SWANLAB_API_HOST') !== undefined;
  if (saved && !hostGiven) {
    const fromSaved = resolveHosts(saved.apiHost, webHost ?? (envValue('SWANLAB_WEB_HOST') === undefined ? saved.webHost : undefined));
    return { ...fromSaved, apiKey: saved.apiKey, source: 'netrc' };
  }
  if (saved && saved.apiHost === hosts.apiHost) return { ...hosts, apiKey: saved.apiKey, source: 'netrc' };
  return { ...hosts, apiKey: undefined, source: undefined };
}
