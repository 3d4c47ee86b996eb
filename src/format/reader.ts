/**
 * Reading a run file back as decoded records: for `sync`, tests and tools. Reads the file a
 * megabyte at a time and stops cleanly at a torn or corrupt tail (see deframe.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { RecordSchema, type Record } from './gen/swanlab/record/v1/record_pb.js';
import { checkFileHeader, Deframer, type StopInfo } from './deframe.js';
import { RunFileError } from './errors.js';
import { FILE_HEADER } from './framing.js';

/**
 * One decoded record of a run file: the generated `swanlab.record.v1.Record` message.
 * int64 fields (`num`, `step`, `size`, `epoch`, timestamp `seconds`) are `bigint`, because
 * @bufbuild/protobuf v2 maps int64 to bigint (it honours only `jstype = JS_STRING`).
 */
export type RunRecord = Record;

/** Decode one record payload. Throws on bytes that are not a valid Record. */
export function decodeRecord(payload: Uint8Array): RunRecord {
  return fromBinary(RecordSchema, payload);
}

/**
 * The records of one run file. Each iteration reads the file afresh from the start; after
 * an iteration that ran to its end, `count` and `stoppedAt` describe it.
 */
export class RunReader implements Iterable<RunRecord> {
  /** The run file being read. */
  readonly path: string;
  #count = 0;
  #stoppedAt: StopInfo | null = null;
  // The deframer of the running iteration, for the offset of an undecodable record.
  #deframer: Deframer | null = null;

  /** @internal Use {@link readRun}. */
  constructor(file: string) {
    this.path = file;
  }

  /** Records yielded by the latest iteration. */
  get count(): number {
    return this.#count;
  }

  /**
   * Null when the latest iteration reached a clean end of file; otherwise where (just past
   * the last good record) and why it stopped: a torn write, a bad checksum, a broken chunk
   * sequence or an undecodable record.
   */
  get stoppedAt(): StopInfo | null {
    return this.#stoppedAt;
  }

  /** Read the file from its start, yielding each decoded record. */
  *[Symbol.iterator](): Iterator<RunRecord> {
    this.#count = 0;
    this.#stoppedAt = null;
    for (const payload of this.#payloads()) {
      let record: RunRecord;
      try {
        record = decodeRecord(payload);
      } catch (err) {
        const offset = this.#deframer!.lastStart;
        this.#stoppedAt = { offset, reason: `undecodable record at offset ${offset}: ${(err as Error).message}` };
        return;
      }
      this.#count++;
      yield record;
    }
  }

  /** The raw payload of each record, undecoded (fresh copies); sets `count` and `stoppedAt` too. */
  *payloads(): Generator<Uint8Array, void, undefined> {
    this.#count = 0;
    this.#stoppedAt = null;
    for (const payload of this.#payloads()) {
      this.#count++;
      yield payload;
    }
  }

  *#payloads(): Generator<Uint8Array, void, undefined> {
    const fd = fs.openSync(this.path, 'r');
    try {
      const deframer = new Deframer(fd, this.path);
      this.#deframer = deframer;
      yield* deframer.payloads();
      this.#stoppedAt = deframer.stoppedAt;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * Open a run for reading: a `run-<id>.swanlab` file, or a run folder holding exactly one
 * `run-*.swanlab` (as `swanlab sync` requires). Checks the file header now, so a file that
 * is not a run file (or of another version) throws {@link RunFileError} here, not mid-iteration.
 */
export function readRun(pathToRunDirOrFile: string): RunReader {
  const file = fs.statSync(pathToRunDirOrFile).isDirectory() ? findRunFile(pathToRunDirOrFile) : pathToRunDirOrFile;
  const head = Buffer.alloc(FILE_HEADER.length);
  const fd = fs.openSync(file, 'r');
  try {
    checkFileHeader(head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)), file);
  } finally {
    fs.closeSync(fd);
  }
  return new RunReader(file);
}

function findRunFile(dir: string): string {
  const found = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.startsWith('run-') && e.name.endsWith('.swanlab'))
    .map((e) => e.name)
    .sort();
  if (found.length !== 1) {
    const what = found.length === 0 ? 'none' : `${found.length}: ${found.join(', ')}`;
    throw new RunFileError(dir, `${dir} must hold exactly one run-*.swanlab file, found ${what}`);
  }
  return path.join(dir, found[0]!);
}
