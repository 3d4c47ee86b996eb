/**
 * Typed builders of every record kind the worker writes, each returning payload bytes for
 * `RunFileWriter.append`. Times are JS millisecond times (`Date.now()`, may be fractional),
 * stored at microsecond resolution. Scalars in bulk should use `encodeScalarRecord` with a
 * reused buffer instead of `scalarRecord`.
 */
import { create } from '@bufbuild/protobuf';
import { ChartType, ColumnClass, ColumnType, SectionType } from './gen/swanlab/metric/column/v1/column_pb.js';
import { RecordSchema, type Record } from './gen/swanlab/record/v1/record_pb.js';
import { ResumeMode, RunState } from './gen/swanlab/run/v1/run_pb.js';
import { SavePolicy, SaveType } from './gen/swanlab/save/v1/save_pb.js';
import { LogLevel } from './gen/swanlab/terminal/v1/log_pb.js';
import { encodeKeyField, encodeRecord, encodeScalarRecord, scalarRecordMaxLength } from './encode.js';
import { timestampFromMs } from './timestamp.js';

/**
 * The fixed `num` of singleton records (SwanLab's builder). Other records count 1, 2, 3…
 * from a per-run counter; SwanLab de-duplicates uploads by `num`, so every config save
 * reuses {@link RecordNum.CONFIG}.
 */
export const RecordNum = {
  START: -1,
  FINISH: -2,
  CONFIG: -3,
  METADATA: -4,
  REQUIREMENTS: -5,
  CONDA: -6,
} as const;

/** Fields of the StartRecord, the first record of every run file. */
export interface StartRecordOptions {
  project: string;
  workspace?: string;
  public?: boolean;
  name?: string;
  description?: string;
  tags?: readonly string[];
  group?: string;
  jobType?: string;
  /** `#RRGGBB`. */
  color?: string;
  /** The run id (the `<id>` of `run-<id>.swanlab`). */
  id: string;
  resume?: ResumeMode;
  startedAtMs: number;
  /** Record creation time; defaults to `startedAtMs`, as SwanLab writes it. */
  timeMs?: number;
}

/** Fields of a ColumnRecord (a chart definition, written before a key's first value). */
export interface ColumnOptions {
  key: string;
  /** Default CUSTOM. */
  columnClass?: ColumnClass;
  columnType: ColumnType;
  columnName?: string;
  sectionName?: string;
  sectionType: SectionType;
  /** Y axis bounds; a bound left out is absent, 0 is written. */
  yRange?: { min?: number; max?: number };
  chartIndex?: string;
  chartName?: string;
  chartType?: ChartType;
  metricName?: string;
  metricColors?: { light?: string; dark?: string };
}

/** Fields of a SaveRecord (a reference to a file under files/). */
export interface SaveOptions {
  name: string;
  /** Absolute, POSIX-style. */
  sourcePath: string;
  targetPath?: string;
  policy?: SavePolicy;
  type: SaveType;
}

/** One media file of a MediaRecord. */
export interface MediaItemOptions {
  /** `{step:03d}-{sha256[:8]}.{ext}` under media/<medium>/. */
  filename: string;
  sha256: string;
  size: number;
  caption?: string;
}

/** Fields of a MediaRecord. */
export interface MediaOptions {
  key: string;
  step: number;
  type: ColumnType;
  items: readonly MediaItemOptions[];
}

/** Payload of the StartRecord (num -1). */
export function startRecord(o: StartRecordOptions): Uint8Array {
  return envelope(RecordNum.START, o.timeMs ?? o.startedAtMs, {
    case: 'start',
    value: {
      project: o.project,
      workspace: o.workspace ?? '',
      public: o.public ?? false,
      name: o.name ?? '',
      description: o.description ?? '',
      tags: o.tags ? [...o.tags] : [],
      group: o.group ?? '',
      jobType: o.jobType ?? '',
      color: o.color ?? '',
      id: o.id,
      resume: o.resume ?? ResumeMode.NEVER,
      startedAt: timestampFromMs(o.startedAtMs),
    },
  });
}

/** Payload of the FinishRecord (num -2). `error` is the crash text, '' when none. */
export function finishRecord(state: RunState, error: string, finishedAtMs: number, timeMs: number = finishedAtMs): Uint8Array {
  return envelope(RecordNum.FINISH, timeMs, {
    case: 'finish',
    value: { state, error, finishedAt: timestampFromMs(finishedAtMs) },
  });
}

/** Payload of a ColumnRecord. */
export function columnRecord(num: number, c: ColumnOptions, timeMs: number): Uint8Array {
  return envelope(num, timeMs, {
    case: 'column',
    value: {
      columnClass: c.columnClass ?? ColumnClass.CUSTOM,
      columnType: c.columnType,
      columnKey: c.key,
      columnName: c.columnName ?? '',
      sectionName: c.sectionName ?? '',
      sectionType: c.sectionType,
      // Spread so that an absent bound stays absent (explicit presence).
      ...(c.yRange ? { yRange: { ...c.yRange } } : {}),
      chartIndex: c.chartIndex ?? '',
      chartName: c.chartName ?? '',
      chartType: c.chartType ?? ChartType.UNSPECIFIED,
      metricName: c.metricName ?? '',
      ...(c.metricColors ? { metricColors: { ...c.metricColors } } : {}),
    },
  });
}

/** Payload of a ScalarRecord (one-off; the hot path uses `encodeScalarRecord`). */
export function scalarRecord(num: number, key: string, step: number, timeMs: number, value: number): Uint8Array {
  const keyField = encodeKeyField(key);
  const out = new Uint8Array(scalarRecordMaxLength(keyField));
  return out.subarray(0, encodeScalarRecord(out, num, keyField, step, timeMs, value));
}

/** Payload of a MediaRecord. */
export function mediaRecord(num: number, m: MediaOptions, timeMs: number): Uint8Array {
  return envelope(num, timeMs, {
    case: 'media',
    value: {
      key: m.key,
      step: BigInt(m.step),
      type: m.type,
      timestamp: timestampFromMs(timeMs),
      value: {
        items: m.items.map((i) => ({ filename: i.filename, sha256: i.sha256, size: BigInt(i.size), caption: i.caption ?? '' })),
      },
    },
  });
}

/** Payload of a LogRecord: one console line; `epoch` is the 1-based line counter. */
export function logRecord(num: number, line: string, level: LogLevel, epoch: number, timeMs: number): Uint8Array {
  return envelope(num, timeMs, {
    case: 'log',
    value: { line, level, timestamp: timestampFromMs(timeMs), epoch: BigInt(epoch) },
  });
}

/** Payload of a SaveRecord; `num` is RecordNum.CONFIG/METADATA/REQUIREMENTS/CONDA or a counter value. */
export function saveRecord(num: number, s: SaveOptions, timeMs: number): Uint8Array {
  return envelope(num, timeMs, {
    case: 'save',
    value: {
      name: s.name,
      sourcePath: s.sourcePath,
      targetPath: s.targetPath ?? '',
      policy: s.policy ?? SavePolicy.NOW,
      type: s.type,
    },
  });
}

// The `create` init shape of the oneof: its case with a plain-object value.
type RecordTypeInit = NonNullable<Parameters<typeof create<typeof RecordSchema>>[1]>['recordType'];

function envelope(num: number, timeMs: number, recordType: RecordTypeInit): Uint8Array {
  const record: Record = create(RecordSchema, { num: BigInt(num), timestamp: timestampFromMs(timeMs), recordType });
  return encodeRecord(record);
}
