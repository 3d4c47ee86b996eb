/**
 * The online side of init() options (spec 5.1, 6.1, 6.2): which mode a run gets when none is
 * given, the API key and hosts, `resume`, `finishTimeoutMs`, and the uploader's knobs. Runs
 * on the main thread at init() only (reading the saved login is a small synchronous read).
 */
import { resolveCredentials } from '../cloud/credentials.js';
import { envValue } from '../cloud/env.js';
import { uploadTuning } from '../cloud/tuning.js';
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import type { ResumePolicy, UploadInit } from '../shared/upload-messages.js';
import { describeValue } from './validate.js';
import { VERSION } from './version.js';

/** The online options of {@link InitOptions}. */
export interface OnlineOptions {
  /** SwanLab API key. Default: `SWANLAB_API_KEY`, else the key saved by `swanlab-node login`. Never logged. */
  apiKey?: string;
  /** API host of a private SwanLab deployment. Default `SWANLAB_API_HOST`, else https://api.swanlab.cn. */
  apiHost?: string;
  /** Web host, for run URLs. Default `SWANLAB_WEB_HOST`, else the API host when one is set, else https://swanlab.cn. */
  webHost?: string;
  /**
   * Online runs: `must` resume the experiment `id` (it must exist), `allow` resume it if it
   * exists, `never` always create one. `true`/`false` mean allow/never. Default: `allow` with
   * an `id`, `never` without. Env `SWANLAB_RESUME`.
   */
  resume?: ResumePolicy | boolean;
  /** How long finish() and the exit paths wait for uploads to drain, in ms. Default 30 000. */
  finishTimeoutMs?: number;
}

/** What init() resolved about going online. */
export interface ResolvedOnline {
  /** 'online' when it uploads; the local mode otherwise. */
  mode: 'online' | 'offline' | 'local' | 'disabled';
  /** Set for online runs. */
  upload: UploadInit | undefined;
  /** True when no mode was given and no key found: init() prints how to log in and sync. */
  offlineByDefault: boolean;
}

function bad(option: string, value: unknown, rule: string): SwanlabError {
  return new SwanlabError(ErrorCode.INVALID_OPTION, `init(): option ${option} ${rule}, got ${describeValue(value)}`);
}

function optionalString(opts: OnlineOptions, key: 'apiKey' | 'apiHost' | 'webHost'): string | undefined {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(key, key === 'apiKey' ? '(hidden)' : v, 'must be a non-empty string');
  return v;
}

function resolveResume(opts: OnlineOptions, id: string | undefined, online: boolean): ResumePolicy {
  let raw: unknown = opts.resume ?? envValue('SWANLAB_RESUME');
  if (raw === undefined) return id === undefined ? 'never' : 'allow';
  if (typeof raw === 'string') {
    const s = raw.toLowerCase();
    if (['true', 'yes', '1', 'y', 'on'].includes(s)) raw = true;
    else if (['false', 'no', '0', 'n', 'off'].includes(s)) raw = false;
    else raw = s;
  }
  const r = raw === true ? 'allow' : raw === false ? 'never' : raw;
  if (r !== 'must' && r !== 'allow' && r !== 'never') throw bad('resume', opts.resume ?? raw, 'must be "must", "allow", "never" or a boolean');
  if (online && r === 'must' && id === undefined) throw bad('resume', r, '"must" needs the id of the run to resume');
  if (online && r === 'never' && id !== undefined) throw bad('resume', r, '"never" cannot be combined with an id; use "allow" or leave out the id');
  return r;
}

/**
 * Decide the mode and resolve the upload settings. `mode` is the option or `SWANLAB_MODE`
 * (already checked to be a known mode name), undefined when neither is set.
 * @throws SwanlabError `SWANLAB_INVALID_OPTION` for a bad option; `SWANLAB_AUTH` for an online
 *   mode without an API key.
 */
export function resolveOnline(
  opts: OnlineOptions,
  mode: 'online' | 'cloud' | 'offline' | 'local' | 'disabled' | undefined,
  id: string | undefined,
): ResolvedOnline {
  const finishTimeoutMs = opts.finishTimeoutMs ?? 30_000;
  if (typeof finishTimeoutMs !== 'number' || !Number.isInteger(finishTimeoutMs) || finishTimeoutMs < 0 || finishTimeoutMs > 3_600_000) {
    throw bad('finishTimeoutMs', finishTimeoutMs, 'must be an integer from 0 to 3600000');
  }
  const apiKey = optionalString(opts, 'apiKey');
  const wantsOnline = mode === 'online' || mode === 'cloud';
  if (mode !== undefined && !wantsOnline) {
    resolveResume(opts, id, false);
    return { mode, upload: undefined, offlineByDefault: false };
  }
  const creds = resolveCredentials(apiKey, optionalString(opts, 'apiHost'), optionalString(opts, 'webHost'));
  if (creds.apiKey === undefined) {
    if (wantsOnline) {
      throw new SwanlabError(
        ErrorCode.AUTH,
        `init(): mode "${mode}" needs a SwanLab API key: pass apiKey, set SWANLAB_API_KEY, or run \`swanlab-node login\` once; or use mode "offline" and \`swanlab-node sync\` the run later`,
      );
    }
    resolveResume(opts, id, false);
    return { mode: 'offline', upload: undefined, offlineByDefault: true };
  }
  return {
    mode: 'online',
    offlineByDefault: false,
    upload: {
      apiKey: creds.apiKey,
      apiHost: creds.apiHost,
      webHost: creds.webHost,
      defaultHost: creds.defaultHost,
      resume: resolveResume(opts, id, true),
      finishTimeoutMs,
      sdkVersion: VERSION,
      tuning: uploadTuning(),
    },
  };
}
