/**
 * The rules of spec 2.1 for log() keys, values and steps. Off the hot path: the scalar fast
 * path (log-encoder.ts) only comes here for a key it has not seen or a value that is not a
 * plain number.
 */
import { ErrorCode, withCode } from '../shared/errors.js';

/** Longest key SwanLab accepts (`METRIC_KEY_MAX_LENGTH`). */
export const MAX_KEY_LENGTH = 512;
const STRIP = ' \t\n\r./';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
const DECIMAL = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:e[+-]?\d+(?:_\d+)*)?$/i;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** A rule a log() call broke, with the error strict mode throws for it. */
export interface Problem {
  /** The (cleaned, or raw when it cannot be cleaned) key, for one-line-per-(key, rule) reporting. */
  key: string;
  /** Short name of the rule. */
  rule: string;
  error: (TypeError | RangeError) & { code: ErrorCode };
}

/** A key after spec 2.1 cleaning. */
export interface CleanKey {
  key: string;
  /** Set when the key was longer than MAX_KEY_LENGTH and was cut. */
  cutFrom?: string;
}

/** Show a user value in an error message, short and unambiguous. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)} (string)`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
  }
  return `${String(value)} (${typeof value})`;
}

/** Strip, check and cut a key; a Problem when it cannot be used. */
export function cleanKey(raw: string): CleanKey | Problem {
  let start = 0;
  let end = raw.length;
  while (start < end && STRIP.includes(raw[start]!)) start++;
  while (end > start && STRIP.includes(raw[end - 1]!)) end--;
  let key = raw.slice(start, end);
  if (key.length === 0) {
    return keyProblem(raw, 'empty', `is empty after stripping leading and trailing ${JSON.stringify(STRIP)}`);
  }
  if (CONTROL.test(key)) return keyProblem(raw, 'control', 'contains control characters (\\x00-\\x1f, \\x7f)');
  if (key.length > MAX_KEY_LENGTH) {
    key = key.slice(0, MAX_KEY_LENGTH);
    let e = key.length;
    while (e > 0 && STRIP.includes(key[e - 1]!)) e--;
    return { key: key.slice(0, e), cutFrom: raw };
  }
  return { key };
}

function keyProblem(raw: string, rule: string, what: string): Problem {
  const message = `log(): key ${JSON.stringify(raw)} ${what}`;
  return { key: raw, rule, error: withCode(new TypeError(message), ErrorCode.INVALID_KEY) };
}

/** True when `x` is a Problem rather than a result. */
export function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'error' in x;
}

/**
 * Convert a metric value to the float64 that is recorded, or describe why it cannot be.
 * Numbers pass as they are (NaN and ±Infinity included); booleans become 1/0; bigints in the
 * safe range their number; strings their float when the whole trimmed string is one.
 */
export function coerceValue(key: string, value: unknown): number | Problem {
  switch (typeof value) {
    case 'number':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'bigint':
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
      return valueProblem(key, value, 'bigint-range', 'is outside the safe integer range (±2^53-1)', RangeError);
    case 'string': {
      const parsed = parseFloatStrict(value);
      if (parsed !== undefined) return parsed;
      return valueProblem(key, value, 'string', 'is not a number: a string must parse as a float ("3.5", "1e-3", "nan", "inf")', TypeError);
    }
    default:
      return valueProblem(
        key,
        value,
        'type',
        'is not a loggable value: use a number, boolean, numeric string or bigint (nested plain objects are flattened with "/")',
        TypeError,
      );
  }
}

function valueProblem(
  key: string,
  value: unknown,
  rule: string,
  what: string,
  Kind: typeof TypeError | typeof RangeError,
): Problem {
  const message = `log(): key ${JSON.stringify(key)}: value ${describeValue(value)} ${what}`;
  return { key, rule, error: withCode(new Kind(message), ErrorCode.INVALID_VALUE) };
}

/** Python's float() on a trimmed string: decimal, exponent, underscores between digits, nan, inf. */
export function parseFloatStrict(text: string): number | undefined {
  const s = text.trim();
  if (DECIMAL.test(s)) return Number(s.replace(/_/g, ''));
  const special = SPECIAL.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  return undefined;
}

/** True for a step log() accepts as given: a non-negative safe integer. */
export function isStepValue(step: unknown): step is number {
  return typeof step === 'number' && Number.isSafeInteger(step) && step >= 0;
}

/** Check a log() step: a non-negative safe integer or undefined. */
export function checkStep(step: unknown): Problem | undefined {
  if (step === undefined || isStepValue(step)) return undefined;
  if (typeof step !== 'number') {
    return stepProblem(step, 'type', 'must be a number (a non-negative safe integer) or omitted', TypeError);
  }
  return stepProblem(step, 'range', 'must be a non-negative safe integer (0 … 2^53-1)', RangeError);
}

function stepProblem(step: unknown, rule: string, what: string, Kind: typeof TypeError | typeof RangeError): Problem {
  const message = `log(): step ${describeValue(step)} ${what}; nothing of this call was logged`;
  return { key: '(step)', rule, error: withCode(new Kind(message), ErrorCode.INVALID_STEP) };
}

/** True for objects log() flattens: plain objects and null-prototype objects. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
