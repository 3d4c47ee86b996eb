/**
 * `swanlab-node login` and `logout` (spec 5.1): verify an API key against the server and save
 * it in `~/.swanlab/.netrc` as SwanLab's Python SDK does, mode 0600; or remove it.
 */
import { resolveHosts } from '../cloud/hosts.js';
import { readLogin, removeLogin, saveLogin } from '../cloud/netrc.js';
import { uploadTuning } from '../cloud/tuning.js';
import { VERSION } from '../main/version.js';
import { SwanLabApi } from '../worker/upload/api.js';
import { parseFlags, str } from './args.js';
import { readSecret } from './prompt.js';

/** `swanlab-node login --help`. */
export const LOGIN_HELP = `Usage: swanlab-node login [--api-key KEY] [--host HOST] [--web-host HOST] [--relogin]

Verify a SwanLab API key with the server and save it in ~/.swanlab/.netrc (mode 0600;
$SWANLAB_ROOT moves the folder), where online runs and sync find it.

Options:
  -k, --api-key KEY    the key (https://swanlab.cn/settings); without it, it is read from
                       the terminal (hidden) or from stdin
  -h, --host HOST      API host of a private deployment (default https://api.swanlab.cn,
                       or $SWANLAB_API_HOST)
  -w, --web-host HOST  its web host (default: the API host when --host is given)
  -r, --relogin        replace a saved key
      --help           show this help
`;

/** `swanlab-node logout --help`. */
export const LOGOUT_HELP = `Usage: swanlab-node logout

Remove the API key saved by swanlab-node login (~/.swanlab/.netrc).

Options:
  --help  show this help
`;

/** Run `login`; returns the exit code. */
export async function login(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const p = parseFlags(
    'login',
    argv,
    { 'api-key': { type: 'string', short: 'k' }, host: { type: 'string', short: 'h' }, 'web-host': { type: 'string', short: 'w' }, relogin: { type: 'boolean', short: 'r' } },
    false,
  );
  if (p.values.help) {
    out.write(LOGIN_HELP);
    return 0;
  }
  const hosts = resolveHosts(str(p, 'host'), str(p, 'web-host'), { api: '--host', web: '--web-host' });
  const saved = readLogin();
  let key = str(p, 'api-key');
  if (saved && !p.values.relogin && key === undefined) {
    out.write(`already logged in to ${saved.apiHost} (key in ${saved.file}); use --relogin to use another key\n`);
    return 0;
  }
  key ??= await readSecret('SwanLab API key (https://swanlab.cn/settings): ');
  key = key.trim();
  if (key === '') {
    err.write('swanlab-node login: no API key given\n');
    return 1;
  }
  const t = uploadTuning();
  const api = new SwanLabApi({
    apiHost: hosts.apiHost,
    apiKey: key,
    sdkVersion: VERSION,
    timeoutMs: t.requestTimeoutMs,
    retry: { minMs: t.retryMinMs, maxMs: t.retryMaxMs },
    warn: (m) => err.write(`swanlab: ${m}\n`),
  });
  try {
    const user = await api.session({ retry: false });
    const file = saveLogin(hosts.apiHost, hosts.webHost, key);
    out.write(`logged in to ${hosts.apiHost} as ${user.username}; key saved in ${file}\n`);
    return 0;
  } catch (e) {
    err.write(`swanlab-node login: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await api.close();
  }
}

/** Run `logout`; returns the exit code. */
export function logout(argv: string[], out: NodeJS.WritableStream): number {
  const p = parseFlags('logout', argv, {}, false);
  if (p.values.help) {
    out.write(LOGOUT_HELP);
    return 0;
  }
  const file = removeLogin();
  out.write(file ? `logged out: removed ${file}\n` : 'not logged in: no saved key\n');
  return 0;
}
