/**
 * Random ids of `[a-z0-9]`, as SwanLab's `generate_id()` makes them: run ids on the main
 * thread, chart indices in the worker.
 */
import { randomInt } from 'node:crypto';

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random characters of `[a-z0-9]`. */
export function randomId(length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ID_CHARS[randomInt(ID_CHARS.length)];
  return id;
}
