/**
 * Conversion between JS millisecond times and google.protobuf.Timestamp.
 *
 * Resolution is one microsecond, as in SwanLab's own records (Python datetimes). A double
 * millisecond time near the present cannot resolve much better anyway: its last bit is worth
 * about 0.24 µs, so rounding to whole microseconds recovers the intended value of a time taken
 * from `performance.timeOrigin + performance.now()` instead of printing that noise as nanos.
 */
import { create } from '@bufbuild/protobuf';
import { TimestampSchema, type Timestamp } from '@bufbuild/protobuf/wkt';

/** Whole seconds of a millisecond time rounded to the microsecond (floor, so nanos >= 0). */
function secondsOfMs(timeMs: number): number {
  return Math.floor(Math.round(timeMs * 1000) / 1e6);
}

/** Nanoseconds within the second of a millisecond time rounded to the microsecond. */
function nanosOfMs(timeMs: number): number {
  // timeMs * 1000 stays below 2^53 until the year 2255, so this is exact integer arithmetic.
  const us = Math.round(timeMs * 1000);
  return (us - Math.floor(us / 1e6) * 1e6) * 1000;
}

/** A Timestamp message for a JS millisecond time (`Date.now()`, possibly fractional). */
export function timestampFromMs(timeMs: number): Timestamp {
  if (!Number.isFinite(timeMs)) throw new RangeError(`timeMs must be a finite number, got ${timeMs}`);
  return create(TimestampSchema, { seconds: BigInt(secondsOfMs(timeMs)), nanos: nanosOfMs(timeMs) });
}

/** Milliseconds since the epoch of a Timestamp (fractional below one millisecond). */
export function msFromTimestamp(ts: Timestamp): number {
  return Number(ts.seconds) * 1000 + ts.nanos / 1e6;
}
