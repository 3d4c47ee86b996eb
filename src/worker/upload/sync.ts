/**
 * Uploading a finished, killed or still-growing run folder (spec 1.8): the engine of
 * `swanlab-node sync`, built from the same parts as an online run (experiment.ts, records.ts,
 * the follower). Reads the run file in chunks, so memory stays flat however big the run is.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { RunFileFollower } from '../../format/follower.js';
import { RunFileError, RunState, msFromTimestamp, readRun, type StopInfo } from '../../format/index.js';
import type { SwanLabApi } from './api.js';
import { startExperiment } from './experiment.js';
import { RecordUploader, type RunEnd, type UploadCounts } from './records.js';

/** SwanLab's text for a run without a FinishRecord (spec 1.8 step 5). */
export const INTERRUPTED_MESSAGE = 'Run process was interrupted or killed before writing a finish record; uploaded by sync as CRASHED';

/** Options of {@link syncRun}. */
export interface SyncRunOptions {
  /** Override the StartRecord's workspace / project. */
  workspace?: string | undefined;
  project?: string | undefined;
  /** Upload into this experiment (resumed when it exists); default a new id. */
  id?: string | undefined;
  webHost: string;
  recordBatch: number;
  signal?: AbortSignal;
  warn: (message: string) => void;
  /** Called after each chunk. */
  onProgress?: (p: SyncProgress) => void;
}

/** How far a sync has come. */
export interface SyncProgress {
  records: number;
  bytesRead: number;
  bytesTotal: number;
  counts: UploadCounts;
}

/** What a sync did. */
export interface SyncResult {
  id: string;
  url: string;
  projectUrl: string;
  /** True when the experiment existed (`--id` of an uploaded run). */
  resumed: boolean;
  /** Records read from the file. */
  records: number;
  counts: UploadCounts;
  /** The state sent: the FinishRecord's, or CRASHED when there was none. */
  end: RunEnd;
  /** True when the run had no FinishRecord. */
  interrupted: boolean;
  /** Where the file stopped early (a torn tail), or null. */
  stoppedAt: StopInfo | null;
  /** The state PUT reached the server. */
  statePut: boolean;
}

/** 8 characters of [a-z0-9], as SwanLab's generate_id(). */
function newId(): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 8; i++) id += chars[randomInt(chars.length)];
  return id;
}

/**
 * Upload the run folder `dir` (or a `run-*.swanlab` file in it).
 * @throws RunFileError when it is not a run (no single run file, no StartRecord first);
 *   ApiError when the experiment cannot be created (refused key, 4xx).
 */
export async function syncRun(api: SwanLabApi, dir: string, o: SyncRunOptions): Promise<SyncResult> {
  const file = readRun(dir).path;
  // media/ and files/ live beside the run file.
  const runDir = path.dirname(path.resolve(file));
  const follower = new RunFileFollower(file);
  try {
    const [first] = follower.read(1, true);
    if (first?.recordType.case !== 'start') {
      throw new RunFileError(file, `${file}: the first record must be a StartRecord, found ${first ? first.recordType.case : 'no record'}${follower.stoppedAt ? ` (${follower.stoppedAt.reason})` : ''}`);
    }
    const start = first.recordType.value;
    const startedAtMs = start.startedAt ? msFromTimestamp(start.startedAt) : msFromTimestamp(first.timestamp!);
    const exp = await startExperiment(
      api,
      {
        project: o.project ?? start.project,
        workspace: o.workspace ?? start.workspace,
        name: start.name,
        description: start.description,
        tags: [...start.tags],
        // Cleared as SwanLab's sync does (issue #1434): the server picks the colour.
        color: '',
        id: o.id ?? newId(),
        startedAtMs,
        resume: 'allow',
        public: start.public,
        jobType: start.jobType,
        group: start.group,
      },
      o.webHost,
      { signal: o.signal },
    );
    const uploader = new RecordUploader(api, exp, runDir, o.warn);
    let records = 1;
    let lastTime = startedAtMs;
    const bytesTotal = follower.size();
    for (;;) {
      const chunk = follower.read(o.recordBatch, true);
      if (chunk.length === 0) break;
      records += chunk.length;
      const t = chunk[chunk.length - 1]!.timestamp;
      if (t) lastTime = Math.max(lastTime, msFromTimestamp(t));
      await uploader.upload(chunk, o.signal);
      o.onProgress?.({ records, bytesRead: follower.offset, bytesTotal, counts: uploader.counts });
      if (uploader.fatal) throw uploader.fatal;
    }
    const interrupted = uploader.end === undefined;
    const end: RunEnd = uploader.end ?? { state: RunState.CRASHED, error: INTERRUPTED_MESSAGE, finishedAtMs: lastTime };
    if (end.state !== RunState.FINISHED) await uploader.errorLine(end.error || 'unknown error', end.finishedAtMs, o.signal);
    const statePut = await uploader.putState(end, o.signal);
    return {
      id: exp.cuid,
      url: exp.url,
      projectUrl: exp.projectUrl,
      resumed: exp.resumed,
      records,
      counts: uploader.counts,
      end,
      interrupted,
      stoppedAt: follower.stoppedAt,
      statePut,
    };
  } finally {
    follower.close();
  }
}
