/**
 * One server-side process of `npm run bench:realtime` (bench/realtime.ts spawns it; not run by hand):
 *
 * - `worker`: a RoomKit with a Temporal worker that serves the rooms; creates the benchmark's rooms
 *   with the `ws-user` WebSocket channel attached.
 * - `http`: a RoomKit client (`kit.connect()`) behind `createApp` + `attachWebSocketEndpoint` on a
 *   127.0.0.1 port of its own, as an HTTP process of a deployment.
 *
 * Each has its own SQLite connection (one shared file) and its own `RedisRealtime`. The parent talks
 * over the IPC channel: the process says `ready` (with its port), answers `stats` (CPU time, event
 * loop delay and utilisation since the last `stats`) and closes everything on `stop`. It also exits
 * when the parent goes away (IPC disconnect).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { RoomKit, SQLiteStore, WebSocketChannel, attachWebSocketEndpoint, createApp } from '../src/index.js';
import { RedisRealtime } from '../src/realtime/index.js';
import { pool } from './lib.js';

export interface RealtimeProcessConfig {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  sqliteFile: string;
  redisUrl: string;
  prefix: string;
  /** worker only: the rooms to create, with `ws-user` attached. */
  rooms?: string[];
}

export type ParentCommand = { cmd: 'stats' } | { cmd: 'stop' };
export interface ProcessStats {
  /** CPU time (user + system) since the previous `stats`, ms. */
  cpuMs: number;
  wallMs: number;
  /** Event loop delay since the previous `stats` (perf_hooks histogram, 10 ms resolution), ms. */
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Event loop utilisation since the previous `stats` (0–1). */
  elu: number;
}
export type ChildMessage = { type: 'ready'; port?: number } | { type: 'stats'; stats: ProcessStats } | { type: 'stopped' } | { type: 'error'; error: string };

const role = process.argv[2];
const config = JSON.parse(process.env.ROOMKIT_BENCH_RT_CONFIG ?? '{}') as RealtimeProcessConfig;
const say = (m: ChildMessage): void => void process.send?.(m);
const log = (m: string): void => void process.stderr.write(`[${role} ${process.pid}] ${m}\n`);

async function main(): Promise<void> {
  if (role !== 'worker' && role !== 'http') throw new Error(`role must be worker or http, got ${role}`);
  const kit = new RoomKit({
    store: new SQLiteStore(config.sqliteFile),
    realtime: await RedisRealtime.connect(config.redisUrl, { prefix: config.prefix, log }),
    temporal: { address: config.temporalAddress, namespace: config.namespace, taskQueue: config.taskQueue },
    log,
  });
  kit.registerChannel(new WebSocketChannel('ws-user'));
  const closers: (() => Promise<unknown>)[] = [() => kit.close()];
  let port: number | undefined;

  if (role === 'worker') {
    await kit.start();
    const rooms = config.rooms ?? [];
    const out = await pool(rooms.length, 10, async (i) => {
      await kit.createRoom({ roomId: rooms[i] });
      await kit.attachChannel(rooms[i], 'ws-user');
    });
    if (out.errors) throw new Error(`${out.errors} rooms could not be created: ${String(out.firstError)}`);
  } else {
    await kit.connect();
    const server = createServer(createApp(kit));
    const wss = attachWebSocketEndpoint(server, kit, { path: '/ws', channelId: 'ws-user' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    closers.unshift(async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
  }

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  let elu = performance.eventLoopUtilization();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      delay.disable();
      for (const close of closers) await close().catch((err) => log(`close failed: ${String(err)}`));
    })();
    return stopping;
  };

  process.on('message', (m: ParentCommand) => {
    if (m.cmd === 'stats') {
      const c = process.cpuUsage(cpu);
      const now = performance.now();
      const e = performance.eventLoopUtilization(elu);
      say({
        type: 'stats',
        stats: {
          cpuMs: (c.user + c.system) / 1000, wallMs: now - wall,
          loopDelayP50Ms: delay.percentile(50) / 1e6, loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6,
          elu: e.utilization,
        },
      });
      cpu = process.cpuUsage();
      wall = now;
      elu = performance.eventLoopUtilization();
      delay.reset();
    } else if (m.cmd === 'stop') {
      void stop().then(() => {
        say({ type: 'stopped' });
        process.disconnect?.();
        setTimeout(() => process.exit(0), 50);
      });
    }
  });
  // The parent is gone: close and leave.
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
  say({ type: 'ready', ...(port !== undefined && { port }) });
}

main().catch((err) => {
  log(String(err instanceof Error ? (err.stack ?? err.message) : err));
  say({ type: 'error', error: err instanceof Error ? err.message : String(err) });
  setTimeout(() => process.exit(1), 100);
});
