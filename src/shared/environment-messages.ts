/**
 * What the worker needs to record the run's environment by itself (spec 4.1-4.4): which probes
 * are on, the console line limit, the monitor period, and the few facts only the main thread
 * knows (the command line, the working directory at init()). Resolved once by init().
 */

/** Parts of files/swanlab-metadata.json, and the requirements list; each can be switched off. */
export interface ProbeSwitches {
  /** CPU, memory, accelerators, Apple Silicon. */
  hardware: boolean;
  /** OS, host, pid, cwd, Node, command line. */
  runtime: boolean;
  /** files/requirements.txt from the project's node_modules. */
  requirements: boolean;
  /** Remote URL, branch and commit of the working directory's repository. */
  git: boolean;
  /** This package's version and the run folder. */
  swanlab: boolean;
}

/** workerData.env: the environment recording of one run. */
export interface EnvironmentInit {
  probe: ProbeSwitches;
  /** Hardware monitor period in ms; 0 switches the monitor off. */
  monitorIntervalMs: number;
  /** Console lines longer than this many characters are cut. */
  consoleMaxLength: number;
  /** The command line as started: argv0, Node's own flags, then the script and its arguments (unmasked). */
  command: string[];
  /** The working directory when init() ran (the user may chdir later). */
  cwd: string;
  /** swanlab-node's version. */
  sdkVersion: string;
  /**
   * How long finish waits for a snapshot still being taken, ms. Bounded by init()'s
   * exitFlushTimeoutMs so a slow probe cannot cost a process its FinishRecord.
   */
  finishWaitMs: number;
}
