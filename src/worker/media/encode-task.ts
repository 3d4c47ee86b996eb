/**
 * The encoding pool's task (piscina runs this file in its threads): turn one media item into
 * the file SwanLab stores, hash it, and write `media/<medium>/<step:03d>-<sha256[:8]>.<ext>`
 * (spec 1.5). Everything slow about media happens here: reading paths, decoding, encoding,
 * hashing, writing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { MAX_MEDIA_ITEM_BYTES, type MediaClass, type MediaSource } from '../../shared/media.js';
import { storedBytes } from './convert.js';

/** One item to store. */
export interface EncodeTask {
  cls: MediaClass;
  src: MediaSource;
  /** The payload (transferred); absent for a path. */
  buf?: ArrayBuffer;
  off: number;
  len: number;
  /** Absolute `media/<medium>` folder. */
  dir: string;
  step: number;
}

/** What became of an item. */
export type EncodeResult =
  | { ok: true; filename: string; sha256: string; size: number }
  /** `rule` groups the warning: `size` (over 10 MiB) or `input` (unreadable, undecodable). */
  | { ok: false; rule: 'size' | 'input'; reason: string };

const made = new Set<string>();

/** Store one item; never throws (a failure is a result the writer reports). */
export default async function encodeTask(task: EncodeTask): Promise<EncodeResult> {
  let file: { bytes: Uint8Array; ext: string };
  try {
    const payload = task.buf ? new Uint8Array(task.buf, task.off, task.len) : new Uint8Array(0);
    file = await storedBytes(task.cls, task.src, payload);
  } catch (err) {
    return { ok: false, rule: 'input', reason: (err as Error)?.message ?? String(err) };
  }
  const size = file.bytes.byteLength;
  if (size > MAX_MEDIA_ITEM_BYTES) {
    return { ok: false, rule: 'size', reason: `${(size / 1048576).toFixed(1)} MiB is over SwanLab's 10 MiB limit per media file` };
  }
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const filename = `${String(task.step).padStart(3, '0')}-${sha256.slice(0, 8)}.${file.ext}`;
  try {
    writeDurably(task.dir, filename, file.bytes);
  } catch (err) {
    return { ok: false, rule: 'input', reason: `could not write media/${path.basename(task.dir)}/${filename}: ${(err as Error).message}` };
  }
  return { ok: true, filename, sha256, size };
}

/**
 * Write beside the target, fsync, rename: the file is complete whenever it exists under its
 * name (two keys with the same content at the same step write the same name), and it is on
 * disk before the FinishRecord that follows it.
 */
function writeDurably(dir: string, filename: string, bytes: Uint8Array): void {
  if (!made.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  const target = path.join(dir, filename);
  const tmp = `${target}.${process.pid}-${threadId}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let at = 0;
    while (at < bytes.byteLength) at += fs.writeSync(fd, bytes, at, bytes.byteLength - at);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
}
