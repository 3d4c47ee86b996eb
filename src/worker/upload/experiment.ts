/**
 * Creating (or resuming) the run on the server, spec 5.2: project, experiment, and for a
 * resumed experiment the summary of what the server already has. The same calls serve an
 * online run and `swanlab-node sync`.
 */
import { ErrorCode } from '../../shared/errors.js';
import type { StartInfo } from '../../shared/messages.js';
import type { ResumePolicy } from '../../shared/upload-messages.js';
import type { CallOptions, SwanLabApi } from './api.js';
import { ApiError } from './errors.js';
import { isoFromMs } from './payloads.js';

/**
 * What the run is, as the StartRecord says (overridden by `sync` flags): the StartInfo an
 * online run starts from, with `workspace` '' for the logged-in user's own and `color` ''
 * for the server's choice, and `id` the experiment cuid to create or resume.
 */
export interface ExperimentSpec extends Omit<StartInfo, 'startedAt'> {
  startedAtMs: number;
  resume: ResumePolicy;
  public?: boolean;
  jobType?: string;
  group?: string;
}

/** What the server already holds of a resumed experiment (spec 5.2 step 6). */
export interface ServerSummary {
  /** Per key: the last step the server has; values at or below it are not sent again. */
  lastStep: Map<string, number>;
  /** The last console line number the server has. */
  lastEpoch: number;
}

/** The experiment on the server. */
export interface Experiment {
  username: string;
  project: string;
  projectId: string;
  /** Projects older than the multi-view version take columns on the legacy endpoint. */
  legacy: boolean;
  cuid: string;
  url: string;
  projectUrl: string;
  /** True when the experiment existed (HTTP 200 instead of 201). */
  resumed: boolean;
  summary: ServerSummary;
}

/**
 * Log in, create or find the project, then create or resume the experiment.
 * @throws ApiError for a refused key (`SWANLAB_AUTH`) or any 4xx; NetworkError only when
 *   `o.retry` is false or the signal aborts the retries.
 */
export async function startExperiment(api: SwanLabApi, spec: ExperimentSpec, webHost: string, o: CallOptions): Promise<Experiment> {
  const user = await api.session(o);
  const username = spec.workspace || user.username;
  const visibility = spec.public ? 'PUBLIC' : 'PRIVATE';
  try {
    await api.call('POST', `/projects/${enc(username)}`, { name: spec.project, visibility }, o);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw explain(err, `cannot create project ${username}/${spec.project}`);
    // An older server (spec 5.2 step 1): the legacy endpoint; 409 means it exists.
    try {
      await api.call('POST', '/project', { name: spec.project, visibility, username }, o);
    } catch (legacyErr) {
      if (!(legacyErr instanceof ApiError && legacyErr.status === 409)) throw explain(legacyErr, `cannot create project ${username}/${spec.project}`);
    }
  }
  const projectPath = `/project/${enc(username)}/${enc(spec.project)}`;
  const project = (await api.call('GET', projectPath, undefined, o).catch((e) => {
    throw explain(e, `cannot read project ${username}/${spec.project}`);
  })).data as { cuid?: unknown; version?: unknown } | null;
  if (typeof project?.cuid !== 'string') throw new ApiError(200, api.http.endpoint('GET', projectPath), 'the project answer lacks cuid');

  if (spec.resume === 'must') {
    try {
      await api.call('GET', `${projectPath}/runs/${enc(spec.id)}`, undefined, o);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        throw new ApiError(404, err.endpoint, `Experiment ${spec.id} does not exist in ${username}/${spec.project}, and resume is "must"`);
      }
      throw err;
    }
  }

  const body: Record<string, unknown> = {
    name: spec.name,
    description: spec.description,
    createdAt: isoFromMs(spec.startedAtMs),
    colors: spec.color ? [spec.color, spec.color] : undefined,
    labels: spec.tags.length > 0 ? spec.tags.map((name) => ({ name })) : undefined,
    job: spec.jobType,
    cluster: spec.group,
    cuid: spec.id,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined || body[k] === '') delete body[k];
  const created = await api.call('POST', `${projectPath}/experiment`, body, o).catch((e) => {
    throw explain(e, `cannot create experiment ${spec.id} in ${username}/${spec.project}`);
  });
  const exp = created.data as { cuid?: unknown; slug?: unknown; createdAt?: unknown } | null;
  const cuid = typeof exp?.cuid === 'string' ? exp.cuid : spec.id;
  const resumed = created.status === 200;
  if (resumed && spec.resume === 'never') {
    throw new ApiError(200, api.http.endpoint('POST', `${projectPath}/experiment`), `experiment ${cuid} already exists and resume is "never"`);
  }
  let summary: ServerSummary = { lastStep: new Map(), lastEpoch: 0 };
  if (resumed) {
    let createdAt = typeof exp?.createdAt === 'string' ? Date.parse(exp.createdAt) : NaN;
    if (Number.isNaN(createdAt)) {
      const run = (await api.call('GET', `${projectPath}/runs/${enc(cuid)}`, undefined, o)).data as { createdAt?: unknown } | null;
      createdAt = typeof run?.createdAt === 'string' ? Date.parse(run.createdAt) : spec.startedAtMs;
    }
    summary = await readSummary(api, project.cuid, cuid, Number.isNaN(createdAt) ? spec.startedAtMs : createdAt, o);
  }
  const slug = typeof exp?.slug === 'string' && exp.slug ? exp.slug : cuid;
  const projectUrl = `${webHost}/@${username}/${spec.project}`;
  return {
    username,
    project: spec.project,
    projectId: project.cuid,
    legacy: project.version !== 1,
    cuid,
    url: `${projectUrl}/runs/${slug}`,
    projectUrl,
    resumed,
    summary,
  };
}

async function readSummary(api: SwanLabApi, projectId: string, cuid: string, createdAtMs: number, o: CallOptions): Promise<ServerSummary> {
  const path = `/house/metrics/summaries/${enc(projectId)}/${enc(cuid)}?all=true&createdAt=${Math.floor(createdAtMs / 1000)}`;
  const d = (await api.call('GET', path, undefined, o)).data as Record<string, unknown> | null;
  const lastStep = new Map<string, number>();
  for (const kind of ['scalar', 'media']) {
    const list = d?.[kind];
    if (!Array.isArray(list)) continue;
    for (const e of list as { key?: unknown; step?: unknown }[]) {
      if (typeof e?.key === 'string' && typeof e.step === 'number') lastStep.set(e.key, Math.max(e.step, lastStep.get(e.key) ?? -1));
    }
  }
  const log = d?.log;
  const first = Array.isArray(log) ? (log[0] as { step?: unknown } | undefined) : undefined;
  return { lastStep, lastEpoch: typeof first?.step === 'number' ? first.step : 0 };
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Put what we were doing in front of the server's answer; keeps the class and code. */
function explain(err: unknown, what: string): unknown {
  if (err instanceof ApiError) {
    return new ApiError(err.status, err.endpoint, `${what}: ${err.serverMessage || 'no message'}`, err.retryAfterMs, err.code === ErrorCode.AUTH ? ErrorCode.AUTH : ErrorCode.API);
  }
  return err;
}
