/**
 * Per class, the bytes and extension of the stored file (spec 3), in the encoding pool.
 * Paths are read here, never on the user's thread; their magic bytes decide what they are.
 */
import fs from 'node:fs';
import { detectImageFormat, hexHead, isGif, isGlb, isWav, type MediaClass, type MediaSource } from '../../shared/media.js';
import { fromEncoded, storedImage } from './image-codec.js';
import { pointsJson } from './points.js';
import { encodeWav } from './wav.js';

const utf8 = new TextEncoder();

/** The stored file of one item. Throws with a message naming the problem. */
export async function storedBytes(cls: MediaClass, src: MediaSource, payload: Uint8Array): Promise<{ bytes: Uint8Array; ext: string }> {
  switch (src.t) {
    case 'file':
      return { bytes: payload, ext: src.ext };
    case 'encoded':
    case 'pixels':
      return storedImage(src, payload);
    case 'samples':
      return { bytes: encodeWav(payload, src.dtype, src.channels, src.planar, src.sampleRate), ext: 'wav' };
    case 'points':
      return { bytes: utf8.encode(pointsJson(payload, src.dtype, src.columns, src.boxes)), ext: 'swanlab.pts.json' };
    case 'path':
      return fromPath(cls, src, payload);
  }
}

async function fromPath(cls: MediaClass, src: MediaSource & { t: 'path' }, payload: Uint8Array): Promise<{ bytes: Uint8Array; ext: string }> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(src.path);
  } catch (err) {
    // Html: a string that is not a file is the HTML itself (SwanLab's rule).
    if (src.as === 'html' && (err as NodeJS.ErrnoException).code !== undefined) return { bytes: payload, ext: 'html' };
    throw new Error(`cannot read ${src.path}: ${(err as Error).message}`);
  }
  switch (src.as) {
    case 'image': {
      const format = detectImageFormat(bytes);
      if (format === undefined) throw new Error(`${src.path} is not a PNG, JPEG, GIF or WebP image (it starts ${hexHead(bytes)})`);
      return fromEncoded(bytes, format, src.out);
    }
    case 'wav':
      if (!isWav(bytes)) throw new Error(`${src.path} is not a WAV file (it starts ${hexHead(bytes)})`);
      return { bytes, ext: 'wav' };
    case 'gif':
      if (!isGif(bytes)) throw new Error(`${src.path} is not a GIF (it starts ${hexHead(bytes)})`);
      return { bytes, ext: 'gif' };
    case 'object3d':
      if (/\.glb$/i.test(src.path)) {
        if (!isGlb(bytes)) throw new Error(`${src.path} is not a binary glTF file (it starts ${hexHead(bytes)})`);
        return { bytes, ext: 'glb' };
      }
      return { bytes, ext: 'swanlab.pts.json' };
    case 'html':
      return { bytes, ext: 'html' };
  }
  throw new Error(`protocol: ${cls} path of kind ${String((src as { as: string }).as)}`);
}
