/**
 * `Video`: GIF bytes or a `.gif` path, stored as they are. SwanLab v0.9.7 reports Video
 * columns as IMAGE, so the files go to `media/image/` (spec 1.5, 3); we do the same.
 */
import path from 'node:path';
import { hexHead, isGif } from '../../shared/media.js';
import { describeValue } from '../validate.js';
import { HANDOVER, Media, checkCaption, checkOptions, mediaError } from './media.js';
import type { TextOptions } from './text.js';

/**
 * A GIF animation for log().
 * @throws TypeError with code `SWANLAB_INVALID_MEDIA` when the bytes are not a GIF or the path does not end in `.gif`.
 */
export class Video extends Media {
  constructor(data: Video | Uint8Array | ArrayBuffer | string, options?: TextOptions) {
    const o = checkOptions('video', options);
    if (data instanceof Video) {
      super(data[HANDOVER](), checkCaption('video', o.caption) ?? data.caption);
      return;
    }
    const caption = checkCaption('video', o.caption);
    if (typeof data === 'string') {
      if (!/\.gif$/i.test(data)) throw mediaError('video', `only GIF is supported: a path must end in .gif, got ${JSON.stringify(data)}`);
      super({ cls: 'video', src: { t: 'path', path: path.resolve(data), as: 'gif' }, parts: [] }, caption);
      return;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    if (!(bytes instanceof Uint8Array)) throw mediaError('video', `unsupported input ${describeValue(data)}; pass GIF bytes or a .gif path`);
    if (!isGif(bytes)) throw mediaError('video', `only GIF is supported: the bytes start ${hexHead(bytes)}, not GIF87a/GIF89a`);
    super({ cls: 'video', src: { t: 'file', ext: 'gif' }, parts: [bytes] }, caption);
  }
}
