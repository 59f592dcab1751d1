/**
 * Child processes of tests: each in its own process group (so a signal reaches whatever it started
 * too, `npx` or not), and registered with the run, whose global teardown fails if one is still alive.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';


/** Spawn `command` in a process group of its own, registered for the end-of-run check. */
export function spawnChild(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  const registry = inject('childRegistry');
  if (registry && child.pid) {
    writeFileSync(path.join(registry, String(child.pid)), `${command} ${args.join(' ')}\n`);
  }
  return child;
}

/** A TypeScript entry point run by node itself (`--import tsx`), in its own group. */
export function spawnTsx(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawnChild(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env } });
}

/**
 * The worker processes of one crash test (the worker it kills and the one that takes over): each is
 * `spawnTsx(entry)`, awaited until it prints `worker ready`, and whatever still runs is ended by
 * `stopAll` (the file's `afterAll`, or its `finally` with SIGTERM for a clean exit).
 */
export class WorkerChildren {
  private readonly started: ChildProcess[] = [];

  constructor(private readonly entry: string, private readonly readyTimeoutMs = 30_000) {}

  /** Start a worker and resolve once it is ready; fails with its output if it exits or takes too long. */
  async start(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
    // node itself (not npx), so a SIGKILL hits the worker and nothing else.
    const child = spawnTsx(this.entry, env);
    this.started.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.entry} not ready after ${this.readyTimeoutMs} ms:\n${out}`)), this.readyTimeoutMs);
      const onData = (d: Buffer): void => {
        out += d;
        if (out.includes('worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.entry} exited (${signal ?? code}) before it was ready:\n${out}`));
      });
    });
    return child;
  }

  /** SIGKILL one worker and wait until it is gone. */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Signal every worker still running. */
  stopAll(signal: NodeJS.Signals = 'SIGKILL'): void {
    for (const c of this.started) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  }
}

/** Signal the child's whole process group; a group that is gone already is fine. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** True while any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createChildRegistry(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

/**
 * Global teardown: every registered group that is still alive is killed and reported. Returns the
 * command lines of the leaked ones (empty when the tests cleaned up after themselves).
 */
export async function reapChildren(dir: string): Promise<string[]> {
  const leaked: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return leaked;
  }
  let alive = entries.map(Number).filter((pgid) => Number.isInteger(pgid) && groupAlive(pgid));
  // A process that just exited may leave a helper for a moment (tsx's esbuild service ends when
  // its parent's pipe closes): give the groups a few seconds before calling them leaked.
  for (let waited = 0; alive.length && waited < 5_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = alive.filter(groupAlive);
  }
  for (const pgid of alive) {
    leaked.push(`${pgid}: ${readFileSync(path.join(dir, String(pgid)), 'utf8').trim()}`);
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return leaked;
}
