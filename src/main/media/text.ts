/**
 * `Text` and `Html`: strings stored as UTF-8 files (`.txt`, `.html`; spec 3). The UTF-8 bytes
 * are made here: they are the string's hand-over form, as cheap as the copy log() makes.
 */
import path from 'node:path';
import { describeValue } from '../validate.js';
import { HANDOVER, Media, checkCaption, checkOptions, mediaError } from './media.js';

/** Options of {@link Text} and {@link Html}. */
export interface TextOptions {
  /** Shown with the item in SwanLab. */
  caption?: string;
}

const utf8 = new TextEncoder();

/**
 * Text for log(), stored under `media/text/` as a `.txt` file (SwanLab v0.9 no longer inlines
 * it in the metric).
 * @throws TypeError with code `SWANLAB_INVALID_MEDIA` when `content` is not a string.
 */
export class Text extends Media {
  constructor(content: string | Text, options?: TextOptions) {
    const o = checkOptions('text', options);
    if (content instanceof Text) {
      super(content[HANDOVER](), checkCaption('text', o.caption) ?? content.caption);
      return;
    }
    if (typeof content !== 'string') throw mediaError('text', `content must be a string, got ${describeValue(content)}`);
    super({ cls: 'text', src: { t: 'file', ext: 'txt' }, parts: [utf8.encode(content)] }, checkCaption('text', o.caption));
  }
}

/** Longest string taken as a possible path (Linux PATH_MAX), as SwanLab does. */
const PATH_MAX = 4096;

/**
 * HTML for log(), stored under `media/html/` as a `.html` file. A string ending in `.html`
 * (one line, no `<`) is a path, read by the worker; if no such file exists the string itself
 * is the HTML, as in SwanLab.
 * @throws TypeError with code `SWANLAB_INVALID_MEDIA` when `data` is not a string.
 */
export class Html extends Media {
  constructor(data: string | Html, options?: TextOptions) {
    const o = checkOptions('html', options);
    if (data instanceof Html) {
      super(data[HANDOVER](), checkCaption('html', o.caption) ?? data.caption);
      return;
    }
    if (typeof data !== 'string') throw mediaError('html', `data must be an HTML string or a path to a .html file, got ${describeValue(data)}`);
    const caption = checkCaption('html', o.caption);
    if (data.length < PATH_MAX && /\.html?$/i.test(data) && !/[<\n]/.test(data)) {
      // Whether the file exists is for the worker to find out: no disk access here.
      super({ cls: 'html', src: { t: 'path', path: path.resolve(data), as: 'html' }, parts: [utf8.encode(data)] }, caption);
      return;
    }
    super({ cls: 'html', src: { t: 'file', ext: 'html' }, parts: [utf8.encode(data)] }, caption);
  }
}
