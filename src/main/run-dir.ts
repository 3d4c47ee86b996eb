/**
 * Creating the run folder (spec 1.1). Done synchronously in init() because `run.dir` must be
 * known when init() returns; everything inside it is written by the worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import { generateRunId } from './names.js';

const MAX_TRIES = 10;

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Create `<logdir>/run-YYYYMMDD_HHMMSS-<id>` atomically; a fresh random id on collision. */
export function createRunDir(logdir: string, givenId: string | undefined): { dir: string; id: string } {
  try {
    const existed = fs.existsSync(logdir);
    if (existed && !fs.statSync(logdir).isDirectory()) {
      throw new SwanlabError(ErrorCode.INVALID_OPTION, `init(): logdir ${logdir} exists and is not a directory`);
    }
    fs.mkdirSync(logdir, { recursive: true });
    if (!existed || fs.readdirSync(logdir).length === 0) fs.writeFileSync(path.join(logdir, '.gitignore'), '*');
  } catch (err) {
    if (err instanceof SwanlabError) throw err;
    throw new SwanlabError(ErrorCode.IO, `init(): cannot create logdir ${logdir}: ${(err as Error).message}`, { cause: err });
  }
  for (let attempt = 0; ; attempt++) {
    const id = givenId ?? generateRunId();
    const dir = path.join(logdir, `run-${timestamp(new Date())}-${id}`);
    try {
      fs.mkdirSync(dir);
      return { dir, id };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || attempt + 1 >= MAX_TRIES) {
        throw new SwanlabError(ErrorCode.IO, `init(): cannot create run folder ${dir}: ${(err as Error).message}`, { cause: err });
      }
      // Same id in the same second: a given id needs the next second's timestamp.
      if (givenId !== undefined) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000 - (Date.now() % 1000));
    }
  }
}
