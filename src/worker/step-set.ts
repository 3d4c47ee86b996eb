/**
 * The steps a key already has, as sorted disjoint intervals. Implicit steps (largest + 1) and
 * explicit steps in a run of consecutive values extend the last interval in O(1), so the
 * common cases keep memory flat however many points are logged (bench/index.ts "memory");
 * only steps that leave gaps cost an interval each, as SwanLab's roaring bitmap would.
 */
export class StepSet {
  #starts: number[] = [];
  #ends: number[] = [];

  /** Largest step in the set, or -1 when it is empty. */
  get max(): number {
    const n = this.#ends.length;
    return n === 0 ? -1 : this.#ends[n - 1]!;
  }

  /** True when `step` is in the set. */
  has(step: number): boolean {
    const ends = this.#ends;
    const n = ends.length;
    if (n === 0 || step > ends[n - 1]!) return false;
    const i = this.#firstEndAtLeast(step);
    return i < n && this.#starts[i]! <= step;
  }

  /** Add `step` (not already in the set). */
  add(step: number): void {
    const starts = this.#starts;
    const ends = this.#ends;
    const n = ends.length;
    if (n === 0 || step > ends[n - 1]! + 1) {
      starts.push(step);
      ends.push(step);
      return;
    }
    if (step === ends[n - 1]! + 1) {
      ends[n - 1] = step;
      return;
    }
    // Insert inside: i is the first interval that ends at or after step - 1.
    const i = this.#firstEndAtLeast(step - 1);
    const joinsLeft = i < n && ends[i] === step - 1;
    const right = joinsLeft ? i + 1 : i;
    const joinsRight = right < n && starts[right] === step + 1;
    if (joinsLeft && joinsRight) {
      ends[i] = ends[right]!;
      starts.splice(right, 1);
      ends.splice(right, 1);
    } else if (joinsLeft) {
      ends[i] = step;
    } else if (joinsRight) {
      starts[right] = step;
    } else {
      starts.splice(right, 0, step);
      ends.splice(right, 0, step);
    }
  }

  /** Hold every step from 0 to `last` (a resumed key's steps on the server). Only on an empty set. */
  seedThrough(last: number): void {
    if (this.#ends.length !== 0 || last < 0) return;
    this.#starts.push(0);
    this.#ends.push(last);
  }

  /** Number of intervals held (memory use). */
  get intervals(): number {
    return this.#ends.length;
  }

  #firstEndAtLeast(step: number): number {
    const ends = this.#ends;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! < step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
