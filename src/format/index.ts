/**
 * The SwanLab run file format (`run-<id>.swanlab`, SwanLab >= 0.8): framing, record
 * encoding and reading. Shared by the worker (writer), `sync` and tests (reader).
 * Every export is listed by name; nothing under gen/ is public except what is re-exported here.
 */
export {
  BLOCK_SIZE,
  CHUNK_HEADER_SIZE,
  ChunkType,
  FILE_HEADER,
  RUN_FILE_VERSION,
  RunFileWriter,
  frameRecords,
} from './framing.js';
export {
  SCALAR_RECORD_OVERHEAD,
  encodeKeyField,
  encodeRecord,
  encodeScalarRecord,
  encodeScalarRecordAt,
  keyFieldWords,
  scalarRecordMaxLength,
} from './encode.js';
export {
  RecordNum,
  columnRecord,
  finishRecord,
  logRecord,
  mediaRecord,
  saveRecord,
  scalarRecord,
  startRecord,
  type ColumnOptions,
  type MediaItemOptions,
  type MediaOptions,
  type SaveOptions,
  type StartRecordOptions,
} from './builders.js';
export { RunReader, decodeRecord, readRun, type RunRecord } from './reader.js';
export type { StopInfo } from './deframe.js';
export { RUN_FILE_ERROR_CODE, RunFileError } from './errors.js';
export { msFromTimestamp, timestampFromMs } from './timestamp.js';

// Generated enums, with their SwanLab value names minus the prefix (ColumnType.SCALAR is
// COLUMN_TYPE_SCALAR on the wire and in JSON).
export { ChartType, ColumnClass, ColumnType, SectionType } from './gen/swanlab/metric/column/v1/column_pb.js';
export { ResumeMode, RunState } from './gen/swanlab/run/v1/run_pb.js';
export { LogLevel } from './gen/swanlab/terminal/v1/log_pb.js';
export { SavePolicy, SaveType } from './gen/swanlab/save/v1/save_pb.js';
// The message schema, for toJson/fromJson/create on RunRecord values.
export { RecordSchema as RunRecordSchema } from './gen/swanlab/record/v1/record_pb.js';
