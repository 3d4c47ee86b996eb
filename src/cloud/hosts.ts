/**
 * SwanLab hosts (spec 5.1): the API host and the web host, as `scheme://host[:port]`.
 * Shared by init() (main thread) and the `swanlab-node` commands.
 */
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import { envValue } from './env.js';

/** SwanLab cloud's API host. */
export const DEFAULT_API_HOST = 'https://api.swanlab.cn';
/** SwanLab cloud's web host. */
export const DEFAULT_WEB_HOST = 'https://swanlab.cn';

/**
 * Keep scheme, host and port of `host` (as SwanLab's `nrc.fmt()`), adding `https://` when no
 * scheme is given: `api.example.com/x/` becomes `https://api.example.com`.
 * @throws SwanlabError `SWANLAB_INVALID_OPTION` naming `what` when it is not a host.
 */
export function normalizeHost(host: string, what: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SwanlabError(ErrorCode.INVALID_OPTION, `${what} must be a host such as https://api.swanlab.cn, got ${JSON.stringify(host)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SwanlabError(ErrorCode.INVALID_OPTION, `${what} must be an http:// or https:// host, got ${JSON.stringify(host)}`);
  }
  return `${url.protocol}//${url.host}`;
}

/** The hosts a run or command talks to. */
export interface Hosts {
  apiHost: string;
  webHost: string;
  /** True when both are SwanLab cloud's. */
  defaultHost: boolean;
}

/**
 * Hosts from explicit values, then `SWANLAB_API_HOST` / `SWANLAB_WEB_HOST`, then SwanLab
 * cloud. A private deployment that sets only the API host gets the same host for the web.
 */
export function resolveHosts(apiHost: string | undefined, webHost: string | undefined, names = { api: 'apiHost', web: 'webHost' }): Hosts {
  const apiRaw = apiHost ?? envValue('SWANLAB_API_HOST');
  const webRaw = webHost ?? envValue('SWANLAB_WEB_HOST');
  const api = apiRaw === undefined ? DEFAULT_API_HOST : normalizeHost(apiRaw, apiHost !== undefined ? names.api : 'SWANLAB_API_HOST');
  const web =
    webRaw !== undefined
      ? normalizeHost(webRaw, webHost !== undefined ? names.web : 'SWANLAB_WEB_HOST')
      : apiRaw === undefined
        ? DEFAULT_WEB_HOST
        : api;
  return { apiHost: api, webHost: web, defaultHost: api === DEFAULT_API_HOST && web === DEFAULT_WEB_HOST };
}
