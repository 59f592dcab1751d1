/**
 * A throwaway Redis for tests: Debian's `redis-server` on a free 127.0.0.1 port, no persistence,
 * its files in a temporary directory. The run shares one (`inject('redisUrl')`, started by the global
 * setup); a test that needs an outage starts its own and stops/starts it on the same port.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export { freePort };

const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

export class RedisNotInstalledError extends Error {
  constructor() {
    super([
      'redis-server is not installed, and the realtime tests need it: they start a throwaway server of their own, as CI does.',
      '  Install it:  apt-get install -y redis-server   (the tests run the binary, not the system service)',
      '  or point the run at an existing server:  ROOMKIT_TEST_REDIS_URL=redis://127.0.0.1:6379 npm test',
    ].join('\n'));
    this.name = 'RedisNotInstalledError';
  }
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stop the server (SIGTERM) and wait for it to exit. */
  stop(): Promise<void>;
  /** Start it again on the same port and wait until it answers. */
  start(): Promise<void>;
  /** Stop it and remove its directory. */
  destroy(): Promise<void>;
}

export function redisServerBinary(): string | undefined {
  return REDIS_SERVER.find((p) => existsSync(p));
}

/** `spawner` registers the child with the run when called from a test file (tests/support/processes.ts). */
export async function startRedisServer(
  options: { spawner?: (command: string, args: string[], options: SpawnOptions) => ChildProcess } = {},
): Promise<RedisServer> {
  const bin = redisServerBinary();
  if (!bin) throw new RedisNotInstalledError();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-redis-'));
  const port = await freePort();
  const spawner = options.spawner ?? ((c, a, o) => spawn(c, a, o));
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
    child = spawner(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** PING over a raw socket: true once the server answers +PONG. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
