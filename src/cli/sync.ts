/**
 * `swanlab-node sync <run dir>...` (spec 1.8): upload run folders written offline, by this
 * package or by SwanLab >= 0.8, including a killed run (torn tail, no FinishRecord: CRASHED).
 * With `--id` of an uploaded run only what the server lacks goes up, so a second sync sends
 * no data. A progress bar on a TTY, one summary line per run otherwise.
 */
import { resolveCredentials } from '../cloud/credentials.js';
import { uploadTuning } from '../cloud/tuning.js';
import { RunState } from '../format/index.js';
import { VERSION } from '../main/version.js';
import { SwanLabApi } from '../worker/upload/api.js';
import { syncRun, type SyncProgress, type SyncResult } from '../worker/upload/sync.js';
import { parseFlags, str } from './args.js';
import { ProgressBar } from './progress.js';

/** `swanlab-node sync --help`. */
export const SYNC_HELP = `Usage: swanlab-node sync <run dir>... [options]

Upload run folders (swanlog/run-YYYYMMDD_HHMMSS-<id>) written offline, by swanlab-node or by
SwanLab >= 0.8, to SwanLab. A run killed before it finished is uploaded up to its last whole
record and marked CRASHED. Without --id each sync creates a new experiment; with the --id
of an uploaded run, only what the server does not have yet is sent.

Options:
  -k, --api-key KEY      API key (default: $SWANLAB_API_KEY, else swanlab-node login's)
  -h, --host HOST        API host (default: the login's, $SWANLAB_API_HOST, or https://api.swanlab.cn)
      --web-host HOST    web host, for the URLs printed
  -w, --workspace NAME   upload into this workspace instead of the run's
  -p, --project NAME     upload into this project instead of the run's
  -i, --id ID            the experiment to upload into (created if missing); one run dir only
      --help             show this help
`;

const STATE_NAMES: Record<number, string> = { [RunState.FINISHED]: 'FINISHED', [RunState.CRASHED]: 'CRASHED', [RunState.ABORTED]: 'ABORTED', [RunState.RUNNING]: 'RUNNING' };

/** Run `sync`; returns the exit code. */
export async function sync(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream & { isTTY?: boolean }): Promise<number> {
  const p = parseFlags(
    'sync',
    argv,
    {
      'api-key': { type: 'string', short: 'k' },
      host: { type: 'string', short: 'h' },
      'web-host': { type: 'string' },
      workspace: { type: 'string', short: 'w' },
      project: { type: 'string', short: 'p' },
      id: { type: 'string', short: 'i' },
    },
    true,
  );
  if (p.values.help) {
    out.write(SYNC_HELP);
    return 0;
  }
  if (p.positionals.length === 0) {
    err.write('swanlab-node sync: give at least one run folder; see swanlab-node sync --help\n');
    return 2;
  }
  if (str(p, 'id') !== undefined && p.positionals.length > 1) {
    err.write('swanlab-node sync: --id names one experiment, so give one run folder with it\n');
    return 2;
  }
  const creds = resolveCredentials(str(p, 'api-key'), str(p, 'host'), str(p, 'web-host'), { api: '--host', web: '--web-host' });
  if (creds.apiKey === undefined) {
    err.write('swanlab-node sync: no API key: run `swanlab-node login` once, set SWANLAB_API_KEY, or pass --api-key\n');
    return 1;
  }
  const t = uploadTuning();
  const bar = err.isTTY ? new ProgressBar(err) : undefined;
  const api = new SwanLabApi({
    apiHost: creds.apiHost,
    apiKey: creds.apiKey,
    sdkVersion: VERSION,
    timeoutMs: t.requestTimeoutMs,
    retry: { minMs: t.retryMinMs, maxMs: t.retryMaxMs },
    warn: (m) => {
      bar?.clear();
      err.write(`swanlab: ${m}\n`);
    },
  });
  // Ctrl+C stops at once; whatever went up stays, and a later `sync --id` sends the rest.
  const stop = new AbortController();
  const onSigint = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let failures = 0;
  try {
    for (const dir of p.positionals) {
      try {
        const r = await syncRun(api, dir, {
          workspace: str(p, 'workspace'),
          project: str(p, 'project'),
          id: str(p, 'id'),
          webHost: creds.webHost,
          recordBatch: t.recordBatch,
          signal: stop.signal,
          warn: (m) => {
            bar?.clear();
            err.write(`swanlab: ${m}\n`);
          },
          onProgress: (pr: SyncProgress) => bar?.update(pr.bytesRead, pr.bytesTotal, `${pr.records} records`),
        });
        bar?.clear();
        out.write(`${summary(dir, r)}\n`);
      } catch (e) {
        bar?.clear();
        failures++;
        if (stop.signal.aborted) {
          err.write(`swanlab-node sync: ${dir}: interrupted; run the same command with --id to send the rest\n`);
          break;
        }
        err.write(`swanlab-node sync: ${dir}: ${(e as Error).message}\n`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await api.close();
  }
  return failures === 0 ? 0 : 1;
}

function summary(dir: string, r: SyncResult): string {
  const c = r.counts;
  const parts = [`${c.sent} record${c.sent === 1 ? '' : 's'} uploaded`];
  if (c.stale > 0) parts.push(`${c.stale} already on the server`);
  if (c.dropped > 0) parts.push(`${c.dropped} refused by the server (see above)`);
  if (c.mediaBytes > 0) parts.push(`${(c.mediaBytes / 1e6).toFixed(1)} MB of media`);
  let state = STATE_NAMES[r.end.state] ?? String(r.end.state);
  if (r.interrupted) state += ' (no finish record: the run was interrupted or killed)';
  if (r.stoppedAt) state += `; the file ends early at byte ${r.stoppedAt.offset} (${r.stoppedAt.reason}), everything before it was read`;
  if (!r.statePut) state += '; the state could not be set';
  return `synced ${dir} -> ${r.url} (id ${r.id}${r.resumed ? ', resumed' : ''}): ${parts.join(', ')}; state ${state}`;
}
