/**
 * The msgpackr setup both threads use for MESSAGE frames. `useRecords: false` keeps frames
 * self-describing (no shared structure table to keep in step across threads), and
 * `moreTypes` is off so only plain data crosses. Non-hot frames only: 174 ns for a two-key
 * object (shared/design.md), against 47 ns for the interned SCALARS frame.
 */
import { Packr } from 'msgpackr';

/** The single Packr instance of a thread. Its output buffer is reused: copy before the next pack. */
export const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
