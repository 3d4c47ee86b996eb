// A SwanLab API server for tests (spec 5.1-5.4), on 127.0.0.1:0 with node:http: it answers
// the endpoints swanlab-node calls with the spec's shapes, checks what it receives (fields,
// types, the SDK header, the session cookie, a column before its data, media files before their
// metric), stores it, and injects faults on command. Not a mock of our client: it only sees
// HTTP. Everything it refuses is also kept in `violations`, so a test can assert there was none.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as check from './check.js';

/** One stored scalar / media / log item, as received. */
export type Item = Record<string, unknown> & { create_time: string };

/** An experiment as the server holds it. */
export interface FakeExperiment {
  cuid: string;
  username: string;
  project: string;
  name: string;
  createdAt: string;
  /** The creation body. */
  body: Record<string, unknown>;
  /** Column key → its `/series` item, in arrival order. */
  columns: Map<string, Record<string, unknown>>;
  /** Key → items in arrival order (each (key, index) once). */
  scalars: Map<string, Item[]>;
  media: Map<string, Item[]>;
  /** Console lines in arrival order (each epoch once). */
  logs: Item[];
  profile: Record<string, unknown>;
  /** Every state PUT, in order. */
  states: Record<string, unknown>[];
  heartbeats: number;
  /** Items that arrived again for a (key, index) or epoch already stored (a retried request the server had taken). */
  redeliveries: number;
}

/** A fault to inject into matching requests. */
export interface Fault {
  /** Matched against `METHOD /path` (query excluded). */
  match: RegExp;
  /**
   * `status`: answer `status` (default 500) with `message`, store nothing;
   * `reset`: destroy the connection before storing anything;
   * `slow`: store, then answer only after `delayMs` (past the client's timeout);
   * `expire`: invalidate the caller's session, then answer 401 as an expired sid would.
   */
  kind: 'status' | 'reset' | 'slow' | 'expire';
  status?: number;
  message?: string;
  delayMs?: number;
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Only `/house/metrics` posts of this type. */
  metricsType?: 'scalar' | 'media' | 'log';
  /** Only requests whose body text matches. */
  bodyMatch?: RegExp;
}

/** Options of {@link startFakeSwanlab}. */
export interface FakeOptions {
  /** API key → username (default `{ 'test-key': 'alice' }`). */
  users?: Record<string, string>;
  /** Workspace → members allowed to write to it. */
  workspaces?: Record<string, string[]>;
  /** How long a session lives (default 30 days). */
  sessionTtlMs?: number;
  /** Behave like an old server: `/projects/{user}` is 404, projects have no version (legacy columns). */
  legacy?: boolean;
}

/** A logged request. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
  headers: http.IncomingHttpHeaders;
}

/** The running fake. */
export interface FakeSwanlab {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  experiments: Map<string, FakeExperiment>;
  projects: Map<string, { cuid: string; username: string; name: string; visibility: string }>;
  requests: LoggedRequest[];
  /** What the server refused as malformed or out of order. */
  violations: string[];
  logins: number;
  faults: Fault[];
  /** Inject a fault. */
  fault(f: Fault): void;
  /** Refuse every connection (reset) for `ms`. */
  outage(ms: number): void;
  /** Invalidate every session: the next call with an old sid gets 401. */
  expireSessions(): void;
  /** The experiment of run `id`; throws when there is none. */
  experiment(id: string): FakeExperiment;
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Start a fake SwanLab on 127.0.0.1:0. */
export async function startFakeSwanlab(o: FakeOptions = {}): Promise<FakeSwanlab> {
  const users = o.users ?? { 'test-key': 'alice' };
  const ttl = o.sessionTtlMs ?? 30 * 24 * 3600 * 1000;
  const sessions = new Map<string, { username: string; expires: number }>();
  const uploads = new Map<string, { exp: FakeExperiment; path: string }>();
  const files = new Map<string, Map<string, Buffer>>();
  const sockets = new Set<Socket>();
  let outageUntil = 0;
  let url = '';

  const fake: FakeSwanlab = {
    url: '',
    experiments: new Map(),
    projects: new Map(),
    requests: [],
    violations: [],
    logins: 0,
    faults: [],
    fault(f) {
      fake.faults.push({ times: 1, ...f });
    },
    outage(ms) {
      outageUntil = Date.now() + ms;
      for (const s of sockets) s.destroy();
    },
    expireSessions() {
      sessions.clear();
    },
    experiment(id) {
      const e = fake.experiments.get(id);
      if (!e) throw new Error(`fake SwanLab has no experiment ${id}; it has ${[...fake.experiments.keys()].join(', ') || 'none'}`);
      return e;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const violation = (message: string): HttpError => {
    fake.violations.push(message);
    return new HttpError(400, message);
  };

  const sessionUser = (req: http.IncomingMessage): string => {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const s = sid ? sessions.get(sid) : undefined;
    if (!s || s.expires < Date.now()) throw new HttpError(401, 'session expired or invalid; log in again');
    return s.username;
  };

  const canWrite = (user: string, workspace: string): void => {
    if (workspace === user) return;
    const members = o.workspaces?.[workspace];
    if (!members?.includes(user)) throw new HttpError(403, `workspace ${workspace} does not exist or ${user} is not a member`);
  };

  const expOf = (user: string, ws: string, project: string, cuid: string): FakeExperiment => {
    canWrite(user, ws);
    const e = fake.experiments.get(cuid);
    if (!e || e.username !== ws || e.project !== project) throw new HttpError(404, `experiment ${cuid} not found in ${ws}/${project}`);
    return e;
  };

  const projectCount = (ws: string, name: string) => [...fake.experiments.values()].filter((e) => e.username === ws && e.project === name).length;

  /** Route one request; returns [status, body]. */
  function route(method: string, path: string, query: URLSearchParams, req: http.IncomingMessage, raw: Buffer, body: unknown): [number, unknown] {
    if (method === 'PUT' && path.startsWith('/upload/')) {
      const u = uploads.get(path.slice('/upload/'.length));
      if (!u) throw new HttpError(404, 'no such upload url');
      let m = files.get(u.exp.cuid);
      if (!m) files.set(u.exp.cuid, (m = new Map()));
      m.set(u.path, raw);
      return [200, ''];
    }
    if (!path.startsWith('/api/')) throw new HttpError(404, `no route ${method} ${path}`);
    if (!req.headers['x-swanlab-sdk-version']) throw violation(`${method} ${path} lacks the X-SwanLab-SDK-Version header`);
    const p = path.slice(4);
    let m: RegExpExecArray | null;

    if (method === 'POST' && p === '/login/api_key') {
      const key = req.headers.authorization;
      if (body !== undefined) throw violation('login takes no body');
      const username = key ? users[key] : undefined;
      if (!username) throw new HttpError(401, 'api key is invalid');
      fake.logins++;
      const sid = randomBytes(12).toString('hex');
      const expires = Date.now() + ttl;
      sessions.set(sid, { username, expires });
      return [200, { sid, expiredAt: new Date(expires).toISOString(), userInfo: { username, name: null } }];
    }
    const user = sessionUser(req);

    if (method === 'POST' && (m = /^\/projects\/([^/]+)$/.exec(p))) {
      if (o.legacy) throw new HttpError(404, 'Cannot POST');
      const ws = decodeURIComponent(m[1]!);
      const bad = check.fields(body, 'project body', ['name', 'visibility']);
      if (bad) throw violation(bad);
      canWrite(user, ws);
      return createProject(ws, body as Obj);
    }
    if (method === 'POST' && p === '/project') {
      const bad = check.fields(body, 'legacy project body', ['name', 'visibility', 'username']);
      if (bad) throw violation(bad);
      const ws = (body as Obj).username as string;
      canWrite(user, ws);
      const [status, created] = createProject(ws, body as Obj);
      if (status === 200) throw new HttpError(409, 'project exists');
      return [201, created];
    }
    if (method === 'GET' && (m = /^\/project\/([^/]+)\/([^/]+)$/.exec(p))) {
      const [ws, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      canWrite(user, ws);
      const proj = fake.projects.get(`${ws}/${name}`);
      if (!proj) throw new HttpError(404, `project ${ws}/${name} not found`);
      return [200, { cuid: proj.cuid, name, ...(o.legacy ? {} : { version: 1 }), path: `/${ws}/${name}`, visibility: proj.visibility, group: { username: ws }, _count: { experiments: projectCount(ws, name), contributors: 1, collaborators: 0, clones: 0 } }];
    }
    if (method === 'GET' && (m = /^\/project\/([^/]+)\/([^/]+)\/runs\/([^/]+)$/.exec(p))) {
      const e = expOf(user, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!));
      return [200, { cuid: e.cuid, name: e.name, createdAt: e.createdAt }];
    }
    if (method === 'POST' && (m = /^\/project\/([^/]+)\/([^/]+)\/experiment$/.exec(p))) {
      const [ws, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      canWrite(user, ws);
      if (!fake.projects.has(`${ws}/${name}`)) throw new HttpError(404, `project ${ws}/${name} not found`);
      const bad = check.fields(body, 'experiment body', ['name', 'createdAt'], ['description', 'colors', 'labels', 'job', 'cluster', 'cuid']);
      if (bad) throw violation(bad);
      const b = body as Obj;
      if (typeof b.name !== 'string' || b.name === '') throw violation(`experiment name must be a non-empty string: ${JSON.stringify(b)}`);
      if (typeof b.createdAt !== 'string' || !check.TIME_RE.test(b.createdAt)) throw violation(`experiment createdAt must be RFC 3339 UTC: ${JSON.stringify(b)}`);
      if (b.colors !== undefined && !(Array.isArray(b.colors) && b.colors.length === 2 && b.colors.every((c) => typeof c === 'string' && /^#[0-9a-fA-F]{6}$/.test(c)))) {
        throw violation(`experiment colors must be two #RRGGBB: ${JSON.stringify(b.colors)}`);
      }
      if (b.labels !== undefined && !(Array.isArray(b.labels) && b.labels.every((l) => check.fields(l, 'label', ['name']) === undefined))) throw violation(`labels must be [{name}]`);
      for (const f of ['description', 'job', 'cluster', 'cuid']) if (b[f] !== undefined && (typeof b[f] !== 'string' || b[f] === '')) throw violation(`experiment ${f} must be a non-empty string when present`);
      const cuid = (b.cuid as string | undefined) ?? randomBytes(8).toString('hex');
      const existing = fake.experiments.get(cuid);
      if (existing) {
        if (existing.username !== ws || existing.project !== name) throw new HttpError(409, `experiment ${cuid} belongs to another project`);
        // As the real server: no createdAt on 200, so the client reads it with GET …/runs/{cuid}.
        return [200, { cuid, name: existing.name }];
      }
      const e: FakeExperiment = {
        cuid, username: ws, project: name, name: b.name, createdAt: b.createdAt, body: b,
        columns: new Map(), scalars: new Map(), media: new Map(), logs: [], profile: {}, states: [], heartbeats: 0, redeliveries: 0,
      };
      fake.experiments.set(cuid, e);
      return [201, { cuid, name: e.name, createdAt: e.createdAt }];
    }
    if (method === 'GET' && (m = /^\/house\/metrics\/summaries\/([^/]+)\/([^/]+)$/.exec(p))) {
      const e = fake.experiment(decodeURIComponent(m[2]!));
      if (query.get('all') !== 'true' || !/^\d+$/.test(query.get('createdAt') ?? '')) throw violation(`summaries needs ?all=true&createdAt=<epoch seconds>, got ${query}`);
      const last = (m: Map<string, Item[]>) => [...m].map(([key, items]) => ({ key, step: Math.max(...items.map((i) => i.index as number)) }));
      const epochs = e.logs.map((l) => l.epoch as number);
      return [200, { scalar: last(e.scalars), media: last(e.media), log: epochs.length ? [{ key: 'log', step: Math.max(...epochs) }] : [] }];
    }
    if (method === 'POST' && (m = /^\/projects\/([^/]+)\/([^/]+)\/series$/.exec(p))) {
      const [ws, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      canWrite(user, ws);
      const bad = check.fields(body, 'series body', ['series']);
      if (bad) throw violation(bad);
      const series = (body as Obj).series;
      if (!Array.isArray(series) || series.length === 0 || series.length > 3000) throw violation(`series must hold 1-3000 columns, got ${Array.isArray(series) ? series.length : typeof series}`);
      for (const c of series) {
        const badItem = check.seriesItem(c);
        if (badItem) throw violation(badItem);
      }
      // Columns belong to the project; every experiment of it sees them.
      for (const e of fake.experiments.values()) {
        if (e.username !== ws || e.project !== name) continue;
        for (const c of series as Obj[]) if (!e.columns.has(c.key as string)) e.columns.set(c.key as string, c);
      }
      return [200, { ok: true }];
    }
    if (method === 'POST' && (m = /^\/experiment\/([^/]+)\/columns$/.exec(p))) {
      const e = fake.experiment(decodeURIComponent(m[1]!));
      if (!Array.isArray(body)) throw violation('legacy columns body must be a list');
      for (const c of body as Obj[]) {
        if (typeof c?.key !== 'string' || !check.COLUMN_TYPES.has(c.type as string)) throw violation(`legacy column malformed: ${JSON.stringify(c)}`);
        if (!e.columns.has(c.key)) e.columns.set(c.key, c);
      }
      return [201, {}];
    }
    if (method === 'POST' && p === '/house/metrics') return metrics(user, body);
    if (method === 'POST' && p === '/resources/presigned/put') {
      const bad = check.fields(body, 'presigned body', ['experimentId', 'paths']);
      if (bad) throw violation(bad);
      const b = body as Obj;
      const e = fake.experiment(b.experimentId as string);
      if (!Array.isArray(b.paths) || !b.paths.every((x) => typeof x === 'string' && /^media\/[a-z0-9]+\/[^/]+$/.test(x))) throw violation(`presigned paths malformed: ${JSON.stringify(b.paths)}`);
      const urls = (b.paths as string[]).map((path) => {
        const token = randomBytes(8).toString('hex');
        uploads.set(token, { exp: e, path });
        return `${url}/upload/${token}`;
      });
      return [200, { urls }];
    }
    if (method === 'PUT' && (m = /^\/project\/([^/]+)\/([^/]+)\/runs\/([^/]+)\/profile$/.exec(p))) {
      const e = expOf(user, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!));
      const keys = body && typeof body === 'object' ? Object.keys(body) : [];
      if (keys.length !== 1 || !['config', 'metadata', 'requirements', 'conda'].includes(keys[0]!)) throw violation(`profile body must hold exactly one of config/metadata/requirements/conda: ${JSON.stringify(body)}`);
      const v = (body as Obj)[keys[0]!];
      if ((keys[0] === 'config' || keys[0] === 'metadata') !== (v !== null && typeof v === 'object')) throw violation(`profile ${keys[0]} has the wrong type: ${JSON.stringify(v)}`);
      e.profile[keys[0]!] = v;
      return [200, {}];
    }
    if (method === 'PUT' && (m = /^\/project\/([^/]+)\/([^/]+)\/runs\/([^/]+)\/state$/.exec(p))) {
      const e = expOf(user, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!));
      const bad = check.fields(body, 'state body', ['state', 'finishedAt', 'from']);
      if (bad) throw violation(bad);
      const b = body as Obj;
      if (!['FINISHED', 'CRASHED', 'ABORTED'].includes(b.state as string) || b.from !== 'sdk' || typeof b.finishedAt !== 'string' || !check.TIME_RE.test(b.finishedAt)) {
        throw violation(`state body malformed: ${JSON.stringify(b)}`);
      }
      e.states.push(b);
      return [200, {}];
    }
    if (method === 'POST' && (m = /^\/house\/experiments\/([^/]+)\/heartbeat$/.exec(p))) {
      const e = fake.experiment(decodeURIComponent(m[1]!));
      const bad = check.fields(body, 'heartbeat body', ['flagId']);
      if (bad) throw violation(bad);
      e.heartbeats++;
      return [200, {}];
    }
    throw new HttpError(404, `no route ${method} ${path}`);
  }

  function createProject(ws: string, b: Obj): [number, unknown] {
    if (typeof b.name !== 'string' || !/^[0-9A-Za-z_\-+.]{1,100}$/.test(b.name)) throw violation(`project name malformed: ${JSON.stringify(b.name)}`);
    if (b.visibility !== 'PUBLIC' && b.visibility !== 'PRIVATE') throw violation(`visibility must be PUBLIC or PRIVATE: ${JSON.stringify(b.visibility)}`);
    const key = `${ws}/${b.name}`;
    const existing = fake.projects.get(key);
    if (existing) return [200, existing];
    const proj = { cuid: randomBytes(8).toString('hex'), username: ws, name: b.name, visibility: b.visibility };
    fake.projects.set(key, proj);
    return [201, proj];
  }

  function metrics(user: string, body: unknown): [number, unknown] {
    const bad = check.fields(body, 'metrics body', ['type', 'projectId', 'experimentId', 'metrics']);
    if (bad) throw violation(bad);
    const b = body as Obj;
    const e = fake.experiment(b.experimentId as string);
    canWrite(user, e.username);
    const proj = fake.projects.get(`${e.username}/${e.project}`);
    if (b.projectId !== proj?.cuid) throw violation(`metrics projectId ${JSON.stringify(b.projectId)} is not experiment ${e.cuid}'s project ${proj?.cuid}`);
    if (!Array.isArray(b.metrics) || b.metrics.length === 0 || b.metrics.length > 10_000) throw violation(`metrics must hold 1-10000 items, got ${Array.isArray(b.metrics) ? b.metrics.length : typeof b.metrics}`);
    const items = b.metrics as Item[];
    const checker = b.type === 'scalar' ? check.scalarItem : b.type === 'media' ? check.mediaItem : b.type === 'log' ? check.logItem : undefined;
    if (!checker) throw violation(`metrics type must be scalar, media or log: ${JSON.stringify(b.type)}`);
    for (const it of items) {
      const badItem = checker(it);
      if (badItem) throw violation(badItem);
      if (b.type !== 'log' && !e.columns.has(it.key as string)) throw violation(`${b.type} for key ${JSON.stringify(it.key)} arrived before its column`);
      if (b.type === 'media') {
        const have = files.get(e.cuid);
        for (const path of it.data as string[]) if (!have?.has(path)) throw violation(`media metric ${JSON.stringify(it.key)} refers to ${path}, which was not uploaded first`);
      }
    }
    if (b.type === 'log') {
      for (const it of items) {
        if (e.logs.some((l) => l.epoch === it.epoch)) e.redeliveries++;
        else e.logs.push(it);
      }
      return [200, {}];
    }
    const store = b.type === 'scalar' ? e.scalars : e.media;
    for (const it of items) {
      let list = store.get(it.key as string);
      if (!list) store.set(it.key as string, (list = []));
      // Idempotent by (key, index): a retried request the server already took stores nothing twice.
      if (list.some((x) => x.index === it.index)) e.redeliveries++;
      else list.push(it);
    }
    return [200, {}];
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const method = req.method ?? 'GET';
      const raw = Buffer.concat(chunks);
      let body: unknown;
      const log = (status: number) => fake.requests.push({ method, path: u.pathname, status, body, headers: req.headers });
      const send = (status: number, data: unknown) => {
        log(status);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof data === 'string' ? data : JSON.stringify(data));
      };
      if (raw.length > 0 && !u.pathname.startsWith('/upload/')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return send(400, { code: 'BAD_JSON', message: violation(`${method} ${u.pathname}: body is not JSON`).message });
        }
      }
      const fault = fake.faults.find(
        (f) =>
          (f.times ?? 1) > 0 &&
          f.match.test(`${method} ${u.pathname}`) &&
          (f.metricsType === undefined || (body as { type?: unknown } | undefined)?.type === f.metricsType) &&
          (f.bodyMatch === undefined || f.bodyMatch.test(raw.toString('utf8'))),
      );
      if (fault) fault.times = (fault.times ?? 1) - 1;
      if (fault?.kind === 'reset') {
        log(0);
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') return send(fault.status ?? 500, { code: 'FAULT', message: fault.message ?? 'injected server error' });
      if (fault?.kind === 'expire') {
        const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        if (sid) sessions.delete(sid);
        return send(401, { code: 'UNAUTHORIZED', message: 'session expired' });
      }
      let status: number;
      let data: unknown;
      try {
        [status, data] = route(method, u.pathname, u.searchParams, req, raw, body);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        [status, data] = [err.status, { code: 'ERROR', message: err.message }];
      }
      if (fault?.kind === 'slow') {
        // Stored already; the answer comes too late for the client, which retries.
        setTimeout(() => {
          if (!res.destroyed) send(status, data);
        }, fault.delayMs ?? 1000);
        return;
      }
      send(status, data);
    });
  });
  server.on('connection', (socket) => {
    if (Date.now() < outageUntil) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = url;
  return fake;
}
