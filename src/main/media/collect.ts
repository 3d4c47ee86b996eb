/**
 * The log() rules for media values (spec 2.1): one media object, or a non-empty list of one
 * class, is one MediaRecord of the key; a list mixing classes, an empty list or a list of
 * anything else is an error naming the key.
 */
import { ErrorCode, withCode } from '../../shared/errors.js';
import type { MediaClass } from '../../shared/media.js';
import { describeValue, type Problem } from '../validate.js';
import { CLASS_NAMES, HANDOVER, Media } from './media.js';

/** One key's media in a log() call. */
export interface MediaValue {
  cls: MediaClass;
  items: Media[];
}

const CLASS_LIST = Object.values(CLASS_NAMES).join(', ');

/** True for the values log() treats as media: media objects and arrays. */
export function isMediaValue(v: unknown): boolean {
  return v instanceof Media || Array.isArray(v);
}

/** The media of one key, or the rule the value breaks. */
export function collectMedia(key: string, v: unknown): MediaValue | Problem {
  if (v instanceof Media) return { cls: v[HANDOVER]().cls, items: [v] };
  const list = v as unknown[];
  if (list.length === 0) {
    return listProblem(key, v, 'list-empty', `is empty; a list must hold one or more media of one class (${CLASS_LIST})`);
  }
  let cls: MediaClass | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!(item instanceof Media)) {
      return listProblem(key, v, 'list-type', `is not loggable: item ${i} is ${describeValue(item)}; a list must hold media of one class (${CLASS_LIST})`);
    }
    const c = item[HANDOVER]().cls;
    if (cls === undefined) cls = c;
    else if (c !== cls) {
      return listProblem(key, v, 'list-mixed', `mixes ${CLASS_NAMES[cls]} and ${CLASS_NAMES[c]} (item ${i}); a list must hold media of one class`);
    }
  }
  return { cls: cls!, items: list as Media[] };
}

/** A value whose type differs from the key's first value (scalar, or another media class). */
export function kindProblem(key: string, value: unknown, had: MediaClass | 'scalar', got: MediaClass | 'scalar'): Problem {
  const name = (k: MediaClass | 'scalar') => (k === 'scalar' ? 'numbers' : `${CLASS_NAMES[k]} values`);
  const what = Array.isArray(value) ? `a list of ${CLASS_NAMES[got as MediaClass]}` : describeValue(value);
  const message = `log(): key ${JSON.stringify(key)}: value ${what} cannot be logged: the key holds ${name(had)}, and a key keeps the type of its first value`;
  return { key, rule: 'kind', error: withCode(new TypeError(message), ErrorCode.INVALID_VALUE) };
}

function listProblem(key: string, value: unknown, rule: string, what: string): Problem {
  const message = `log(): key ${JSON.stringify(key)}: value ${describeValue(value)} ${what}`;
  return { key, rule, error: withCode(new TypeError(message), ErrorCode.INVALID_VALUE) };
}
