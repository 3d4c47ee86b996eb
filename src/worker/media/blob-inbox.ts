/**
 * The worker's end of the media port: payloads too large for the ring, each posted by the
 * main thread before the frame that names it (so usually already queued when the frame is
 * drained, and taken synchronously with receiveMessageOnPort), or later for data that was
 * not ready (a tensor's async data()).
 */
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { MediaBlob } from '../../shared/media.js';

/** Blobs by sequence number. */
export class BlobInbox {
  readonly #port: MessagePort;
  readonly #arrived = new Map<number, MediaBlob>();
  readonly #waiting = new Map<number, (blob: MediaBlob) => void>();

  constructor(port: MessagePort) {
    this.#port = port;
    port.on('message', (blob: MediaBlob) => this.#deliver(blob));
    // The drain loop keeps the worker alive while the run is open; this port must not.
    port.unref();
  }

  /** Blob `seq`: now when it is queued, else a promise of it. */
  get(seq: number): MediaBlob | Promise<MediaBlob> {
    const now = this.#take(seq);
    if (now !== undefined) return now;
    return new Promise((resolve) => this.#waiting.set(seq, resolve));
  }

  /**
   * Finishing: every blob was posted (or declared lost) before the finish request, so whatever
   * is still awaited after the queue is drained will not come.
   */
  endWaits(): void {
    this.#drainQueue();
    for (const [seq, resolve] of this.#waiting) resolve({ seq, error: 'its data never reached the worker' });
    this.#waiting.clear();
  }

  /** Stop listening. */
  close(): void {
    this.#port.close();
  }

  #take(seq: number): MediaBlob | undefined {
    const early = this.#arrived.get(seq);
    if (early !== undefined) {
      this.#arrived.delete(seq);
      return early;
    }
    for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) {
      const blob = m.message as MediaBlob;
      if (blob.seq === seq) return blob;
      this.#deliver(blob);
    }
    return undefined;
  }

  #drainQueue(): void {
    for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) this.#deliver(m.message as MediaBlob);
  }

  #deliver(blob: MediaBlob): void {
    const resolve = this.#waiting.get(blob.seq);
    if (resolve === undefined) this.#arrived.set(blob.seq, blob);
    else {
      this.#waiting.delete(blob.seq);
      resolve(blob);
    }
  }
}
