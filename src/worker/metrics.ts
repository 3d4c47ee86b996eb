/**
 * Per-key state in the worker: step assignment exactly as the seed says (implicit = the key's
 * largest step + 1, explicit as given, a second value at a (key, step) dropped and the first
 * kept), the key's ColumnRecord before its first value, and the hot ScalarRecord encoding.
 * Media keys take their steps here too, in log() order, when their frame is drained; their
 * MediaRecords are written later, once the pool has stored the files (media/media-writer.ts).
 */
import {
  ColumnClass,
  ColumnType,
  SectionType,
  columnRecord,
  encodeKeyField,
  keyFieldWords,
  mediaRecord,
  type MediaItemOptions,
} from '../format/index.js';
import { IMPLICIT_STEP } from '../shared/frames.js';
import type { RunFile } from './run-file.js';
import { StepSet } from './step-set.js';

interface KeyState {
  key: string;
  keyField: Uint8Array;
  keyWords: Int32Array;
  steps: StepSet;
  columnWritten: boolean;
  duplicateWarned: boolean;
  /** Sequence number of the last log() call that carried this key (collision check). */
  lastCall: number;
}

/** Assigns steps and writes scalar records for every key of a run. */
export class Metrics {
  readonly #file: RunFile;
  readonly #warn: (message: string) => void;
  readonly #keys: KeyState[] = [];
  #call = 0;
  #resumedSteps: ReadonlyMap<string, number> | undefined;
  /** Values dropped because their (key, step) already had one. */
  duplicates = 0;

  constructor(file: RunFile, warn: (message: string) => void) {
    this.#file = file;
    this.#warn = warn;
  }

  /** A KEY frame: the main thread interned `key` as `id`. */
  defineKey(id: number, key: string): void {
    const keyField = encodeKeyField(key);
    const keyWords = keyFieldWords(keyField);
    const steps = new StepSet();
    const last = this.#resumedSteps?.get(key);
    if (last !== undefined) steps.seedThrough(last);
    this.#keys[id] = { key, keyField, keyWords, steps, columnWritten: false, duplicateWarned: false, lastCall: -1 };
  }

  /**
   * A resumed run continues each key from the server's last step (spec 5.2 step 6): its
   * implicit steps start above it, and an explicit step at or below it is a duplicate.
   */
  continueFrom(lastStep: ReadonlyMap<string, number>): void {
    this.#resumedSteps = lastStep;
    for (const k of this.#keys) {
      const last = k === undefined ? undefined : lastStep.get(k.key);
      if (last !== undefined) k!.steps.seedThrough(last);
    }
  }

  /** Start of one log() call's values (a SCALARS frame). */
  beginCall(): void {
    this.#call++;
  }

  /** One value of the current call. */
  scalar(id: number, value: number, step: number, timeMs: number): void {
    const k = this.#keys[id];
    if (k === undefined) throw new Error(`protocol: value for undefined key id ${id}`);
    if (k.lastCall === this.#call) {
      // Two keys of one call cleaned to the same key: the first wins (spec decisions table).
      this.#warn(`log(): key ${JSON.stringify(k.key)} appears twice in one call after stripping or flattening; the first value is kept`);
      this.duplicates++;
      return;
    }
    k.lastCall = this.#call;
    const s = this.#assign(k, step);
    if (s < 0) return;
    if (!k.columnWritten) this.#writeColumn(k, ColumnType.SCALAR, timeMs);
    this.#file.appendScalar(k.keyField, s, timeMs, value, k.keyWords);
  }

  /** A media value of key `id`: its step, or -1 when that (key, step) already has a value (dropped, counted). */
  mediaStep(id: number, step: number): number {
    return this.#assign(this.#key(id), step);
  }

  /** The name of key `id`, for messages. */
  keyName(id: number): string {
    return this.#key(id).key;
  }

  /** Write key `id`'s MediaRecord at `step` (its ColumnRecord first, the first time). */
  media(id: number, step: number, type: ColumnType, items: readonly MediaItemOptions[], timeMs: number): void {
    const k = this.#key(id);
    if (!k.columnWritten) this.#writeColumn(k, type, timeMs);
    const file = this.#file;
    file.append(mediaRecord(file.nextNum(), { key: k.key, step, type, items }, timeMs));
  }

  #key(id: number): KeyState {
    const k = this.#keys[id];
    if (k === undefined) throw new Error(`protocol: value for undefined key id ${id}`);
    return k;
  }

  /** The step a value of `k` gets, or -1 for a second value at a (key, step). */
  #assign(k: KeyState, step: number): number {
    let s: number;
    if (step === IMPLICIT_STEP) {
      s = k.steps.max + 1;
    } else {
      s = step;
      if (k.steps.has(s)) {
        this.duplicates++;
        if (!k.duplicateWarned) {
          k.duplicateWarned = true;
          this.#warn(
            `log(): key ${JSON.stringify(k.key)} already has a value at step ${s}; the first value is kept and later ones are dropped (reported once per key, counted at finish)`,
          );
        }
        return -1;
      }
    }
    k.steps.add(s);
    return s;
  }

  #writeColumn(k: KeyState, type: ColumnType, timeMs: number): void {
    k.columnWritten = true;
    const file = this.#file;
    const slash = k.key.indexOf('/');
    file.append(
      columnRecord(
        file.nextNum(),
        {
          key: k.key,
          columnClass: ColumnClass.CUSTOM,
          columnType: type,
          sectionName: slash < 0 ? '' : k.key.slice(0, slash),
          sectionType: SectionType.PUBLIC,
        },
        timeMs,
      ),
    );
  }
}
