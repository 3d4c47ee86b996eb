/**
 * Run-file records as the JSON items of the SwanLab API (spec 5.3): `/house/metrics` items,
 * `/series` columns, media paths and content types. Pure functions, no I/O.
 */
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { ColumnClass, ColumnType, LogLevel, SectionType, msFromTimestamp } from '../../format/index.js';
import type { RunRecord } from '../../format/index.js';

type Case<C extends NonNullable<RunRecord['recordType']['case']>> = Extract<RunRecord['recordType'], { case: C }>['value'];
/** A ColumnRecord. */
export type ColumnRec = Case<'column'>;
/** A ScalarRecord. */
export type ScalarRec = Case<'scalar'>;
/** A MediaRecord. */
export type MediaRec = Case<'media'>;
/** A LogRecord. */
export type LogRec = Case<'log'>;
/** A SaveRecord. */
export type SaveRec = Case<'save'>;

/**
 * A Timestamp as protobuf's JSON form, as SwanLab sends `create_time`: RFC 3339 in UTC with
 * 0, 3, 6 or 9 fraction digits (`2026-08-21T06:27:03.123456Z`).
 */
export function timestampJson(ts: Timestamp | undefined): string {
  const seconds = ts ? Number(ts.seconds) : 0;
  const nanos = ts ? ts.nanos : 0;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = nanos % 1e6 === 0 ? 3 : nanos % 1e3 === 0 ? 6 : 9;
  return `${base}.${String(nanos).padStart(9, '0').slice(0, digits)}Z`;
}

/** A JS millisecond time in the same form. */
export function isoFromMs(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e3) * 1e3;
  return timestampJson({ seconds: BigInt(seconds), nanos } as Timestamp);
}

/** Milliseconds of a Timestamp, or `fallback` when absent. */
export function msOf(ts: Timestamp | undefined, fallback: number): number {
  return ts ? msFromTimestamp(ts) : fallback;
}

/** A `/house/metrics` scalar item: `{key, index, data, create_time}`; any non-finite value is `"nan"`. */
export function scalarItem(s: ScalarRec): { key: string; index: number; data: number | 'nan'; create_time: string } {
  const v = s.value?.number ?? 0;
  return { key: s.key, index: Number(s.step), data: Number.isFinite(v) ? v : 'nan', create_time: timestampJson(s.timestamp) };
}

/** A `/house/metrics` log item: `{level, epoch, message, create_time}`. */
export function logItem(l: LogRec): { level: 'INFO' | 'ERROR'; epoch: number; message: string; create_time: string } {
  return { level: l.level === LogLevel.ERROR ? 'ERROR' : 'INFO', epoch: Number(l.epoch), message: l.line, create_time: timestampJson(l.timestamp) };
}

const SERIES_TYPE: Record<number, string> = {
  [ColumnType.SCALAR]: 'FLOAT',
  [ColumnType.IMAGE]: 'IMAGE',
  [ColumnType.AUDIO]: 'AUDIO',
  [ColumnType.TEXT]: 'TEXT',
  [ColumnType.VIDEO]: 'VIDEO',
  [ColumnType.ECHARTS]: 'ECHARTS',
  [ColumnType.OBJECT3D]: 'OBJECT3D',
  [ColumnType.MOLECULE]: 'MOLECULE',
  [ColumnType.HTML]: 'HTML',
};

/** The `/series` type of a column: `SYSTEM` for system columns, else by column type. */
export function seriesType(c: Pick<ColumnRec, 'columnClass' | 'columnType'>): string {
  if (c.columnClass === ColumnClass.SYSTEM) return 'SYSTEM';
  return SERIES_TYPE[c.columnType] ?? 'FLOAT';
}

/** A `/projects/{user}/{project}/series` item: `{key, type, sectionName?}`. */
export function seriesItem(c: ColumnRec): { key: string; type: string; sectionName?: string } {
  return { key: c.columnKey, type: seriesType(c), ...(c.sectionName ? { sectionName: c.sectionName } : {}) };
}

/** A legacy `/experiment/{cuid}/columns` item (projects older than the multi-view version). */
export function legacyColumnItem(c: ColumnRec): Record<string, unknown> {
  const system = c.columnClass === ColumnClass.SYSTEM;
  const out: Record<string, unknown> = { key: c.columnKey, type: system ? 'FLOAT' : seriesType(c) };
  if (system) out.class = 'SYSTEM';
  if (c.columnName) out.name = c.columnName;
  if (c.sectionName) out.sectionName = c.sectionName;
  if (c.sectionType === SectionType.SYSTEM) out.sectionType = 'SYSTEM';
  if (c.yRange) out.yRange = [c.yRange.min ?? null, c.yRange.max ?? null];
  if (c.chartName) out.chartName = c.chartName;
  if (c.chartIndex) out.chartIndex = c.chartIndex;
  if (c.metricName) out.metricName = c.metricName;
  if (c.metricColors) out.metricColors = [c.metricColors.light, c.metricColors.dark];
  return out;
}

/** The folder under media/ of a column type (spec 1.5). */
export function mediumOf(type: ColumnType): string {
  switch (type) {
    case ColumnType.AUDIO:
      return 'audio';
    case ColumnType.TEXT:
      return 'text';
    case ColumnType.VIDEO:
      return 'video';
    case ColumnType.ECHARTS:
      return 'echarts';
    case ColumnType.OBJECT3D:
      return 'object3d';
    case ColumnType.MOLECULE:
      return 'molecule';
    case ColumnType.HTML:
      return 'html';
    default:
      return 'image';
  }
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp', webp: 'image/webp',
  svg: 'image/svg+xml', tif: 'image/tiff', tiff: 'image/tiff', json: 'application/json', txt: 'text/plain',
  md: 'text/markdown', yaml: 'application/yaml', yml: 'application/yaml',
};

/** Content-Type of a media file by extension (spec 5.3), `application/octet-stream` when unknown. */
export function contentTypeOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return (dot >= 0 && CONTENT_TYPES[filename.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}
