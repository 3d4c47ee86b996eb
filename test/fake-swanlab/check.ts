// Shape checks of what the fake SwanLab server receives (spec 5.1-5.4): each returns a
// problem description, or undefined when the value is well-formed.

/** RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, as protobuf's Timestamp JSON. */
export const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

/** The `/series` and legacy column types. */
export const COLUMN_TYPES = new Set(['FLOAT', 'IMAGE', 'AUDIO', 'VIDEO', 'TEXT', 'ECHARTS', 'OBJECT3D', 'MOLECULE', 'HTML', 'SYSTEM']);

type Obj = Record<string, unknown>;

/** An object with exactly `required` and at most `optional` fields. */
export function fields(v: unknown, what: string, required: string[], optional: string[] = []): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `${what} must be an object, got ${JSON.stringify(v)}`;
  for (const f of required) if (!(f in (v as Obj))) return `${what} lacks field ${f}: ${JSON.stringify(v)}`;
  for (const f of Object.keys(v as Obj)) if (!required.includes(f) && !optional.includes(f)) return `${what} has unknown field ${f}: ${JSON.stringify(v)}`;
  return undefined;
}

/** A `/house/metrics` scalar item. */
export function scalarItem(m: unknown): string | undefined {
  const bad = fields(m, 'scalar item', ['key', 'index', 'data', 'create_time']);
  if (bad) return bad;
  const s = m as Obj;
  if (typeof s.key !== 'string' || s.key === '') return `scalar key must be a non-empty string: ${JSON.stringify(m)}`;
  if (!Number.isSafeInteger(s.index) || (s.index as number) < 0) return `scalar index must be a non-negative integer: ${JSON.stringify(m)}`;
  if (!(typeof s.data === 'number' && Number.isFinite(s.data)) && s.data !== 'nan') return `scalar data must be a finite number or "nan": ${JSON.stringify(m)}`;
  if (typeof s.create_time !== 'string' || !TIME_RE.test(s.create_time)) return `scalar create_time must be RFC 3339 UTC: ${JSON.stringify(m)}`;
  return undefined;
}

/** A `/house/metrics` media item. */
export function mediaItem(m: unknown): string | undefined {
  const bad = fields(m, 'media item', ['key', 'index', 'data', 'create_time'], ['more']);
  if (bad) return bad;
  const s = m as Obj;
  if (typeof s.key !== 'string' || !Number.isSafeInteger(s.index)) return `media key/index malformed: ${JSON.stringify(m)}`;
  if (!Array.isArray(s.data) || s.data.length === 0 || !s.data.every((p) => typeof p === 'string' && /^media\/[a-z0-9]+\/[^/]+$/.test(p))) {
    return `media data must be a non-empty list of media/<medium>/<file> paths: ${JSON.stringify(m)}`;
  }
  if (s.more !== undefined && !(Array.isArray(s.more) && s.more.every((x) => fields(x, 'more', ['caption']) === undefined && typeof (x as Obj).caption === 'string'))) {
    return `media more must be a list of {caption}: ${JSON.stringify(m)}`;
  }
  if (typeof s.create_time !== 'string' || !TIME_RE.test(s.create_time)) return `media create_time must be RFC 3339 UTC: ${JSON.stringify(m)}`;
  return undefined;
}

/** A `/house/metrics` log item. */
export function logItem(m: unknown): string | undefined {
  const bad = fields(m, 'log item', ['level', 'epoch', 'message', 'create_time']);
  if (bad) return bad;
  const s = m as Obj;
  if (s.level !== 'INFO' && s.level !== 'ERROR') return `log level must be INFO or ERROR: ${JSON.stringify(m)}`;
  if (!Number.isSafeInteger(s.epoch) || (s.epoch as number) < 1) return `log epoch must be a positive integer: ${JSON.stringify(m)}`;
  if (typeof s.message !== 'string') return `log message must be a string: ${JSON.stringify(m)}`;
  if (typeof s.create_time !== 'string' || !TIME_RE.test(s.create_time)) return `log create_time must be RFC 3339 UTC: ${JSON.stringify(m)}`;
  return undefined;
}

/** A `/series` item. */
export function seriesItem(c: unknown): string | undefined {
  const bad = fields(c, 'series item', ['key', 'type'], ['sectionName']);
  if (bad) return bad;
  const s = c as Obj;
  if (typeof s.key !== 'string' || s.key === '') return `series key must be a non-empty string: ${JSON.stringify(c)}`;
  if (typeof s.type !== 'string' || !COLUMN_TYPES.has(s.type)) return `series type must be one of ${[...COLUMN_TYPES].join('/')}: ${JSON.stringify(c)}`;
  if (s.sectionName !== undefined && (typeof s.sectionName !== 'string' || s.sectionName === '')) return `series sectionName must be a non-empty string when present: ${JSON.stringify(c)}`;
  return undefined;
}
