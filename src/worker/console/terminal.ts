/**
 * One console stream as a one-line terminal (spec 4.2): text goes in as written, committed
 * lines come out. A line is committed by `\n`; `\r` returns the cursor to column 0 so the next
 * text overwrites it, which is how a progress bar redraws itself, so a bar yields its final
 * state only. ANSI escape sequences (CSI, OSC, two-byte ESC) are removed; the few that move
 * the cursor or erase within the line (CUF/CUB/CHA, EL) are applied, others ignored. Lines are
 * cut at `maxLength` characters.
 *
 * Sequences may be split across writes: an unfinished one is kept and completed by the next.
 */

/** Characters that need more than appending: C0 controls except TAB, and DEL. */
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\x00-\x08\x0a-\x1f\x7f]/g;
/** An escape sequence that never ends is dropped after this many characters. */
const MAX_PENDING = 256;

/** Turns written text into committed lines for one stream. */
export class LineTerminal {
  readonly #maxLength: number;
  /** UTF-16 units kept of a line: enough for maxLength characters even if all are astral. */
  readonly #keep: number;
  readonly #onLine: (line: string) => void;
  #line = '';
  #col = 0;
  /** Text has been written since the last commit (an empty line still counts once committed). */
  #dirty = false;
  /** An escape sequence not yet complete at the end of the last write. */
  #pending = '';

  /**
   * @param maxLength characters kept of a line; the rest is cut.
   * @param onLine called with each committed line, in order.
   */
  constructor(maxLength: number, onLine: (line: string) => void) {
    this.#maxLength = maxLength;
    this.#keep = maxLength * 2;
    this.#onLine = onLine;
  }

  /** Feed text as the process wrote it. */
  write(text: string): void {
    if (this.#pending !== '') {
      text = this.#pending + text;
      this.#pending = '';
    }
    let from = 0;
    SPECIAL.lastIndex = 0;
    for (let m = SPECIAL.exec(text); m !== null; m = SPECIAL.exec(text)) {
      const at = m.index;
      if (at > from) this.#put(text.slice(from, at));
      from = at + 1;
      switch (text.charCodeAt(at)) {
        case 0x0a: // \n
          this.#commit();
          break;
        case 0x0d: // \r
          this.#col = 0;
          break;
        case 0x08: // backspace
          if (this.#col > 0) this.#col--;
          break;
        case 0x1b: {
          const end = escapeEnd(text, at);
          if (end < 0) {
            const rest = text.slice(at);
            if (rest.length <= MAX_PENDING) this.#pending = rest;
            return;
          }
          if (text.charCodeAt(at + 1) === 0x5b) this.#csi(text.slice(at + 2, end - 1), text.charCodeAt(end - 1));
          from = end;
          SPECIAL.lastIndex = end;
          break;
        }
        default: // other controls (bell, ...) show nothing
      }
    }
    if (from < text.length) this.#put(from === 0 ? text : text.slice(from));
  }

  /** The stream ended: commit an unfinished last line, if anything was written on it. */
  end(): void {
    this.#pending = '';
    if (this.#dirty || this.#line !== '') this.#commit();
  }

  #put(s: string): void {
    this.#dirty = true;
    const col = this.#col;
    const line = this.#line;
    this.#col = col + s.length;
    if (col >= this.#keep) return;
    if (col === line.length) this.#line = line + s;
    else if (col > line.length) this.#line = line + ' '.repeat(col - line.length) + s;
    else this.#line = line.slice(0, col) + s + line.slice(col + s.length);
    if (this.#line.length > this.#keep) this.#line = this.#line.slice(0, this.#keep);
  }

  #commit(): void {
    this.#onLine(cut(this.#line, this.#maxLength));
    this.#line = '';
    this.#col = 0;
    this.#dirty = false;
  }

  /** Apply the CSI sequences that act within one line; `params` is what lies between `ESC [` and the final byte. */
  #csi(params: string, final: number): void {
    const n = parseInt(params, 10);
    switch (final) {
      case 0x43: // C: cursor forward
        this.#col += n > 0 ? n : 1;
        break;
      case 0x44: // D: cursor back
        this.#col = Math.max(0, this.#col - (n > 0 ? n : 1));
        break;
      case 0x47: // G: cursor to column
        this.#col = n > 0 ? n - 1 : 0;
        break;
      case 0x4b: // K: erase in line (0 to the end, 1 to the cursor, 2 all); the cursor stays
        this.#dirty = true;
        if (n === 2) this.#line = '';
        else if (n === 1) this.#line = ' '.repeat(Math.min(this.#col, this.#line.length)) + this.#line.slice(this.#col);
        else this.#line = this.#line.slice(0, this.#col);
        break;
      default: // colours (m) and moves to other lines are not the line's content
    }
  }
}

/**
 * Index just past the escape sequence starting at `at` (an ESC), or -1 when the text ends
 * first. CSI: `ESC [` parameters, intermediates, one final byte 0x40-0x7e. OSC: `ESC ]` up to
 * BEL or `ESC \`. Otherwise ESC, intermediates 0x20-0x2f, one final byte.
 */
function escapeEnd(text: string, at: number): number {
  const len = text.length;
  if (at + 1 >= len) return -1;
  const kind = text.charCodeAt(at + 1);
  if (kind === 0x5b) {
    for (let i = at + 2; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x40 && c <= 0x7e) return i + 1;
      if (c < 0x20 || c > 0x3f) return i; // malformed: end before the stray character
    }
    return -1;
  }
  if (kind === 0x5d) {
    for (let i = at + 2; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x07) return i + 1;
      if (c === 0x1b) return i + 1 < len ? (text.charCodeAt(i + 1) === 0x5c ? i + 2 : i + 1) : -1;
    }
    return -1;
  }
  let i = at + 1;
  while (i < len && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
  return i < len ? i + 1 : -1;
}

/** The first `max` characters (code points) of `s`. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let units = 0;
  for (let chars = 0; chars < max && units < s.length; chars++) {
    const c = s.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < s.length ? 2 : 1;
  }
  return s.slice(0, units);
}
