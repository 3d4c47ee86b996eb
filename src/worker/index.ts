/**
 * The worker thread's entry: drain the ring into the run file until the run is finished.
 * Everything that can block (disk now; network, encoding later) happens here, never on the
 * user's thread.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { workerData } from 'node:worker_threads';
import { RunState } from '../format/index.js';
import { ErrorCode, serializeError } from '../shared/errors.js';
import { PROTOCOL_VERSION, Slot, WorkerState } from '../shared/layout.js';
import { FinishState, type FinishMessage, type MainToWorkerMessage, type WorkerInit, type WorkerToMainStatus } from '../shared/messages.js';
import { PREFAULT_AHEAD_BYTES, PREFAULT_SLICE_BYTES, RingReader } from '../shared/ring.js';
import { ConsoleLog } from './console/console-log.js';
import { FrameDispatcher } from './dispatch.js';
import { Metrics } from './metrics.js';
import { MediaWriter } from './media/media-writer.js';
import { Monitor } from './monitor/monitor.js';
import { systemSamplers } from './monitor/samplers.js';
import { runFileSink } from './monitor/system-records.js';
import { EnvironmentProbe } from './probe/environment.js';
import { onSpawn } from './probe/soft.js';
import { RunFile } from './run-file.js';
import type { OnlineUpload } from './upload/online.js';

const init = workerData as WorkerInit;
const port = init.statusPort;
const reader = new RingReader(init.sab);
const ctrl = reader.ctrl;

function post(status: WorkerToMainStatus): void {
  port.postMessage(status);
}

const STATE_OF: Record<FinishState, RunState> = {
  [FinishState.FINISHED]: RunState.FINISHED,
  [FinishState.CRASHED]: RunState.CRASHED,
  [FinishState.ABORTED]: RunState.ABORTED,
};

// "Atomics.waitAsync promises don't prevent worker exit" (thread-stream/lib/worker.js).
const keepAlive = setInterval(() => {}, 1 << 30);

/** How long a run that may resume waits for the server's step counts before it assigns steps. */
const RESUME_WAIT_MS = 5_000;

/** Bytes drained between yields to the event loop. */
const DRAIN_SLICE = 4 << 20;

async function main(): Promise<void> {
  if (init.protocolVersion !== PROTOCOL_VERSION) {
    throw Object.assign(new Error(`protocol ${init.protocolVersion} from the main thread, ${PROTOCOL_VERSION} in the worker: mixed swanlab-node versions`), {
      code: ErrorCode.PROTOCOL,
    });
  }
  // Before anything else: the producer may be logging into the fresh ring already. The rest
  // of the sweep is mapped a slice a pass by the drain loop, as after each remap().
  reader.prefault(PREFAULT_AHEAD_BYTES, PREFAULT_SLICE_BYTES);
  // A pass now rather than at the end of the current idle wait.
  const remap = (): void => {
    reader.remap();
    Atomics.notify(ctrl, Slot.WAKE);
  };
  onSpawn(remap);
  const file = new RunFile(init.runDir, init.start);
  file.writeConfig(init.config, init.start.startedAt);
  file.flush();
  const metrics = new Metrics(file, (message) => post({ t: 'warn', message }));
  const media = new MediaWriter({ reader, metrics, file, runDir: init.runDir, mediaPort: init.mediaPort, warn: (message) => post({ t: 'warn', message }) });
  let finished = false;
  const env = init.env;
  const consoleLog = new ConsoleLog(file, env.consoleMaxLength);
  const environment = new EnvironmentProbe(file, env);
  const monitor = env.monitorIntervalMs > 0 ? new Monitor(systemSamplers(env.monitorIntervalMs), runFileSink(file), env.monitorIntervalMs) : undefined;
  // After the first drain (setImmediate runs when the loop first waits), so the first log()
  // reaches the file without waiting for systeminformation to load or a probe to start.
  // Both are no-ops if the run is already finishing.
  setImmediate(() => {
    // systeminformation's hardware probe starts children of its own (lscpu, …): map the ring
    // again once they are done (RingReader.remap), as after each of ours (onSpawn).
    void environment.start().then(remap);
    monitor?.start();
  });
  /** A finish request waiting for the steps before the FinishRecord ({@link prepareFinish}). */
  let finishing: FinishMessage | undefined;
  let readyToFinish = false;
  // Online runs: the uploader follows the run file from here on (src/worker/upload).
  // Loaded only here: undici and the uploader take ~55 ms to load, which an offline run's
  // worker would otherwise spend before its first drain (the window a kill -9 loses).
  const upload: OnlineUpload | undefined = init.upload
    ? (require('./upload/online.js') as typeof import('./upload/online.js')).startUpload(init.upload, init.runDir, init.start, post)
    : undefined;
  let uploaded: Promise<void> | undefined;

  const onMessage = (m: MainToWorkerMessage): void => {
    switch (m.t) {
      case 'config':
        file.writeConfig(m.config, Date.now());
        break;
      case 'flush':
        file.flush();
        reply(m.id);
        break;
      case 'finish':
        if (!readyToFinish) {
          finishing = m;
          break;
        }
        file.finish(STATE_OF[m.state], m.error, m.time);
        finished = true;
        Atomics.store(ctrl, Slot.STATE, WorkerState.FINISHED);
        // Local durability first (written, fsynced); then the upload drain, bounded by
        // finishTimeoutMs, and only then the confirmation the main thread waits for.
        if (upload) {
          uploaded = upload
            .finish({ state: STATE_OF[m.state], error: m.error, finishedAtMs: m.time })
            .catch((err) => post({ t: 'warn', message: `upload: ${(err as Error)?.message ?? String(err)}` }))
            .then(() => reply(m.id));
        } else {
          reply(m.id);
        }
        break;
    }
  };
  const reply = (id: number): void => {
    Atomics.store(ctrl, Slot.DUPLICATES, metrics.duplicates);
    post({ t: 'done', id, records: file.count, duplicates: metrics.duplicates });
    Atomics.store(ctrl, Slot.ACK, id);
    Atomics.notify(ctrl, Slot.ACK);
  };
  /**
   * Before the FinishRecord: stop the monitor (never waited for), commit the console's
   * unfinished last lines, and give the environment snapshot up to finishWaitMs to land;
   * then handle the finish request itself.
   */
  const prepareFinish = async (m: FinishMessage): Promise<void> => {
    finishing = undefined;
    monitor?.stop();
    consoleLog.end(m.time);
    void environment.start();
    // Every media file on disk and every MediaRecord written before the FinishRecord.
    await media.settle();
    await environment.settle(env.finishWaitMs);
    readyToFinish = true;
    onMessage(m);
  };
  const dispatcher = new FrameDispatcher(reader, metrics, onMessage, consoleLog, media);

  Atomics.store(ctrl, Slot.STATE, WorkerState.RUNNING);
  if (upload && init.upload!.resume !== 'never') {
    // Steps are assigned only once the server said where a resumed run's keys stand; the
    // ring holds what is logged meanwhile (bounded well below ringFullTimeoutMs).
    const summary = await Promise.race([upload.resumeSummary, sleep(RESUME_WAIT_MS, undefined, { ref: false })]);
    if (summary) metrics.continueFrom(summary.lastStep);
  }
  while (!finished) {
    const mapping = reader.prefault(PREFAULT_AHEAD_BYTES, PREFAULT_SLICE_BYTES);
    reader.setClock(Date.now());
    const wake = Atomics.load(ctrl, Slot.WAKE);
    if (reader.hasFrames()) {
      // Media arriving faster than the pool encodes: wait for it rather than queue without bound.
      if (media.overloaded) await media.relieved();
      reader.drain(dispatcher.visit, DRAIN_SLICE);
      if (finishing !== undefined) await prepareFinish(finishing);
      if (!finished) file.flush();
      if (reader.hasFrames()) await new Promise(setImmediate);
      continue;
    }
    if (mapping) {
      await new Promise(setImmediate);
      continue;
    }
    const waited = Atomics.waitAsync(ctrl, Slot.WAKE, wake, init.pollMs);
    if (waited.async) await waited.value;
  }
  await uploaded;
  await media.close();
  clearInterval(keepAlive);
}

/** Record the failure where the main thread looks (Slot.STATE, status port), then stop. */
function die(err: unknown): void {
  if (Atomics.load(ctrl, Slot.STATE) === WorkerState.DEAD) return;
  Atomics.store(ctrl, Slot.STATE, WorkerState.DEAD);
  try {
    post({ t: 'fatal', error: serializeError(err, ErrorCode.IO) });
  } finally {
    // Wake a main thread blocked on the exit handshake: it sees DEAD instead of timing out.
    Atomics.notify(ctrl, Slot.ACK);
    Atomics.notify(ctrl, Slot.TAIL);
    // In a worker, process.exit() ends this thread only; messages already posted are delivered.
    process.exit(1);
  }
}

// An error thrown outside the drain loop (a callback) must mark the worker dead too, so a
// main thread blocked on a full ring or on the exit handshake stops waiting at once.
process.on('uncaughtException', die);
main().catch(die);
