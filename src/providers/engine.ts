/**
 * Local engines (espeak-ng, pocketsphinx) run as child processes: argv as an array (never a shell
 * string), input on stdin or in a file, output from stdout. An abort or a timeout kills the child
 * with SIGKILL at once; each way it can fail is its own error class.
 */
import { spawn } from 'node:child_process';
import { RoomKitError } from '../errors.js';

export class EngineError extends RoomKitError {
  constructor(readonly command: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** The binary is not on this machine; `debianPackage` installs it. Permanent for this worker. */
export class EngineNotInstalledError extends EngineError {
  constructor(command: string, readonly debianPackage: string, options?: { cause?: unknown }) {
    super(command, `${command} is not installed (apt-get install ${debianPackage})`, options);
    this.name = 'EngineNotInstalledError';
  }
}

/** The engine ran and failed: non-zero exit or killed by a signal; `stderr` is its last 2 KB. */
export class EngineFailedError extends EngineError {
  constructor(command: string, readonly exitCode: number | null, readonly exitSignal: string | null, readonly stderr: string) {
    const how = exitCode !== null ? `exited with code ${exitCode}` : `was killed by ${exitSignal}`;
    super(command, `${command} ${how}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`);
    this.name = 'EngineFailedError';
  }
}

/** The engine ran past `timeoutMs` and was killed. */
export class EngineTimeoutError extends EngineError {
  constructor(command: string, readonly timeoutMs: number) {
    super(command, `${command} did not finish within ${timeoutMs} ms and was killed`);
    this.name = 'EngineTimeoutError';
  }
}

/** The caller's signal aborted the run (activity cancelled); the child was killed. */
export class EngineAbortedError extends EngineError {
  constructor(command: string) {
    super(command, `${command} was aborted and killed`);
    this.name = 'EngineAbortedError';
  }
}

/** The engine wrote more than `maxOutputBytes` to stdout and was killed. */
export class EngineOutputTooLargeError extends EngineError {
  constructor(command: string, readonly maxOutputBytes: number) {
    super(command, `${command} wrote more than ${maxOutputBytes} bytes and was killed`);
    this.name = 'EngineOutputTooLargeError';
  }
}

export interface RunEngineOptions {
  /** Debian package that provides `command`, named in `EngineNotInstalledError`. */
  debianPackage: string;
  /** Written to the child's stdin, then stdin is closed. Absent ⇒ stdin is empty. */
  stdin?: Uint8Array | string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Default 64 MB (about 25 minutes of 22 kHz speech). */
  maxOutputBytes?: number;
  /** Called with the child's pid once it is running (tests, logging). */
  onSpawn?: (pid: number) => void;
}

export interface EngineOutput {
  stdout: Buffer;
  stderr: string;
}

const STDERR_KEEP = 2048;

/**
 * Runs `command args…` to completion and returns its output; rejects with an `EngineError`
 * subclass otherwise. The child never outlives the returned promise.
 */
export function runEngine(command: string, args: readonly string[], options: RunEngineOptions): Promise<EngineOutput> {
  const { signal, timeoutMs, maxOutputBytes = 64 * 1024 * 1024 } = options;
  if (signal?.aborted) return Promise.reject(new EngineAbortedError(command));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: EngineError | undefined;
    const kill = (why: EngineError) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const onAbort = () => kill(new EngineAbortedError(command));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs ? setTimeout(() => kill(new EngineTimeoutError(command, timeoutMs)), timeoutMs) : undefined;
    const cleanup = () => {
      signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
    };

    child.on('spawn', () => { if (child.pid) options.onSpawn?.(child.pid); });
    child.on('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      reject(err.code === 'ENOENT' ? new EngineNotInstalledError(command, options.debianPackage, { cause: err }) : new EngineError(command, `${command}: ${err.message}`, { cause: err }));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutputBytes) return kill(new EngineOutputTooLargeError(command, maxOutputBytes));
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP); });
    // The child may exit before reading all of stdin (bad voice name): EPIPE is its exit code's story.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
    child.on('close', (code, sig) => {
      cleanup();
      if (failure) return reject(failure);
      if (code !== 0) return reject(new EngineFailedError(command, code, sig, stderr));
      resolve({ stdout: Buffer.concat(chunks), stderr });
    });
  });
}
