/**
 * Turns ring frames into calls on the worker's parts: KEY frames define keys, SCALARS frames
 * carry values, MESSAGE frames carry control messages (msgpack), CONSOLE frames carry what the
 * process wrote to stdout and stderr.
 */
import {
  CONSOLE_LENGTH_OFFSET,
  CONSOLE_TEXT_OFFSET,
  CONSOLE_TIME_OFFSET,
  FrameKind,
  SCALARS_ENTRIES_OFFSET,
  SCALARS_ENTRY_BYTES,
  SCALARS_STEP_OFFSET,
  SCALARS_TIME_OFFSET,
} from '../shared/frames.js';
import type { MainToWorkerMessage } from '../shared/messages.js';
import { packr } from '../shared/msgpack.js';
import type { FrameVisitor, RingReader } from '../shared/ring.js';
import type { ConsoleLog } from './console/console-log.js';
import type { Metrics } from './metrics.js';
import type { MediaWriter } from './media/media-writer.js';

const textDecoder = new TextDecoder();

/** Routes each frame of the ring to its handler. */
export class FrameDispatcher {
  /** The visitor to pass to RingReader.drain (bound once: no closure per drain). */
  readonly visit: FrameVisitor;

  constructor(reader: RingReader, metrics: Metrics, onMessage: (m: MainToWorkerMessage) => void, consoleLog: ConsoleLog, media: MediaWriter) {
    const { u8, u32, f64 } = reader;
    this.visit = (offset, _bytes, kind, aux) => {
      switch (kind) {
        case FrameKind.SCALARS: {
          const time = f64[(offset + SCALARS_TIME_OFFSET) >> 3]!;
          const step = f64[(offset + SCALARS_STEP_OFFSET) >> 3]!;
          metrics.beginCall();
          let e = offset + SCALARS_ENTRIES_OFFSET;
          for (let i = 0; i < aux; i++, e += SCALARS_ENTRY_BYTES) {
            metrics.scalar(u32[e >> 2]!, f64[(e >> 3) + 1]!, step, time);
          }
          break;
        }
        case FrameKind.KEY:
          metrics.defineKey(aux, textDecoder.decode(reader.blob(offset)));
          break;
        case FrameKind.MESSAGE:
          // unpack copies what it needs; the ring space is released after this returns.
          onMessage(packr.unpack(reader.blob(offset)) as MainToWorkerMessage);
          break;
        case FrameKind.CONSOLE: {
          const start = offset + CONSOLE_TEXT_OFFSET;
          const text = u8.subarray(start, start + u32[(offset + CONSOLE_LENGTH_OFFSET) >> 2]!);
          consoleLog.write(aux, text, f64[(offset + CONSOLE_TIME_OFFSET) >> 3]!);
          break;
        }
        case FrameKind.MEDIA:
          media.frame(offset, aux);
          break;
        default:
          throw new Error(`protocol: unknown frame kind ${kind} at ring offset ${offset}`);
      }
    };
  }
}
