/**
 * The run's console log (spec 4.2): CONSOLE frames in, one LogRecord per committed line out,
 * numbered 1, 2, 3 … across both streams in `epoch`. Each stream has its own UTF-8 decoder (a
 * chunk may end inside a character) and its own terminal (a progress bar on stderr must not
 * overwrite a line of stdout).
 */
import { TextDecoder } from 'node:util';
import { LogLevel, logRecord } from '../../format/index.js';
import { ConsoleStream } from '../../shared/frames.js';
import type { RunFile } from '../run-file.js';
import { LineTerminal } from './terminal.js';

interface StreamState {
  decoder: TextDecoder;
  terminal: LineTerminal;
}

/** Assembles console lines and appends them to the run file. */
export class ConsoleLog {
  readonly #file: RunFile;
  readonly #streams: (StreamState | undefined)[] = [];
  #epoch = 0;
  /** Time of the chunk being fed: a line is stamped with the write that committed it. */
  #time = 0;

  constructor(file: RunFile, maxLength: number) {
    this.#file = file;
    const onLine = (line: string): void => this.#line(line);
    for (const id of [ConsoleStream.STDOUT, ConsoleStream.STDERR]) {
      this.#streams[id] = { decoder: new TextDecoder('utf-8'), terminal: new LineTerminal(maxLength, onLine) };
    }
  }

  /** A CONSOLE frame: `bytes` (a view into the ring, read before this returns) written to `stream`. */
  write(stream: number, bytes: Uint8Array, timeMs: number): void {
    const s = this.#streams[stream];
    if (s === undefined) throw new Error(`protocol: CONSOLE frame for unknown stream ${stream}`);
    this.#time = timeMs;
    s.terminal.write(s.decoder.decode(bytes, { stream: true }));
  }

  /** The run is finishing: commit each stream's unfinished last line (stdout first). */
  end(timeMs: number): void {
    this.#time = timeMs;
    for (const s of this.#streams) {
      if (s === undefined) continue;
      const rest = s.decoder.decode();
      if (rest !== '') s.terminal.write(rest);
      s.terminal.end();
    }
  }

  #line(line: string): void {
    const file = this.#file;
    // stdout and stderr are both INFO, as SwanLab 0.9 records them.
    file.append(logRecord(file.nextNum(), line, LogLevel.INFO, ++this.#epoch, this.#time));
  }
}
