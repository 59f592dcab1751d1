/**
 * `npm run bench:realtime` (tsx bench/realtime.ts): WebSocket fan-out across two HTTP processes
 * (issue «Realtime», item 7). See bench/README.md «Realtime fan-out».
 *
 * Processes: this one (the Temporal dev server's and Redis's parent, and all the WebSocket clients),
 * a worker process that serves the rooms, and two HTTP processes (`createApp` +
 * `attachWebSocketEndpoint` on 127.0.0.1), each with its own `RedisRealtime`, all three on one
 * SQLite file (bench/realtime-process.ts). 1,000 clients in 100 rooms, 10 per room, 5 on each HTTP
 * process. Figures: typing fan-out (send `typing` → the room's 9 other clients get `typing_start`),
 * paced and in bursts; message fan-out (send `message` → the 9 others get its `event` frame) and the
 * sender's `ack`. Written to bench/results.json under `realtime`.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { WebSocket } from 'ws';
import { locateTemporalCli, roomWorkflowId, startDevServer, temporalConfigFromEnv } from '../src/index.js';
import { EMBEDDED_DYNAMIC_CONFIG } from '../src/temporal/config.js';
import { startRedisServer, type RedisServer } from '../tests/support/redis-server.js';
import { percentile, pool, round, sleep } from './lib.js';
import type { ChildMessage, ParentCommand, ProcessStats, RealtimeProcessConfig } from './realtime-process.js';
import { saveSection } from './results-file.js';

// ── configuration ───────────────────────────────────────────────────────────
const args = new Map(
  process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
    const [k, ...v] = a.slice(2).split('=');
    return [k.toUpperCase().replace(/-/g, '_'), v.length ? v.join('=') : '1'] as const;
  }),
);
const setting = (name: string): string | undefined => args.get(name) ?? process.env[`BENCH_${name}`];
const QUICK = ['1', 'true', 'yes'].includes((setting('QUICK') ?? '').toLowerCase());
const num = (name: string, full: number, quick: number): number => {
  const raw = setting(name);
  const value = raw === undefined ? (QUICK ? quick : full) : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`BENCH_${name} must be a positive number, got ${raw}`);
  return value;
};

const config = {
  quick: QUICK,
  rooms: num('ROOMS', 100, 10),
  clientsPerRoom: num('CLIENTS_PER_ROOM', 10, 4),
  /** Paced typing events (one `typing` frame each), sent at `typingRate` per second whatever the answers. */
  typing: { events: num('TYPING_EVENTS', 600, 60), ratePerSec: num('TYPING_RATE', 50, 20), bursts: num('TYPING_BURSTS', 5, 2) },
  /** Paced messages, at `ratePerSec`, after one un-timed warm-up message per room. */
  messages: { count: num('MESSAGES', 300, 30), ratePerSec: num('MESSAGE_RATE', 10, 10) },
  /** A sample whose receivers have not all heard within this is counted as missing. */
  sampleTimeoutMs: 10_000,
  target: { p99Ms: 100 },
};
/** A directory: the three server-side processes run with `--cpu-prof` and write their profiles there. */
const CPU_PROF = setting('CPU_PROF');
const OUT = setting('OUT') ?? fileURLToPath(new URL(QUICK ? './results.quick.json' : './results.json', import.meta.url));
const PROCESS_ENTRY = fileURLToPath(new URL('./realtime-process.ts', import.meta.url));

const runId = randomUUID().slice(0, 8);
const t0 = performance.now();
const log = (message: string): void => console.error(`[bench:realtime +${((performance.now() - t0) / 1000).toFixed(0)}s] ${message}`);

// ── server-side processes ───────────────────────────────────────────────────
class ServerProcess {
  private readonly waiters: ((m: ChildMessage) => void)[] = [];
  exited = false;

  private constructor(readonly name: string, readonly child: ChildProcess) {
    child.on('message', (m: ChildMessage) => {
      for (const w of this.waiters.splice(0)) w(m);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const w of this.waiters.splice(0)) w({ type: 'error', error: `${name} exited` });
    });
  }

  /** Node with tsx, its own process group, IPC to talk to it; resolves once it says ready. */
  static async spawn(name: string, role: 'worker' | 'http', cfg: RealtimeProcessConfig): Promise<{ proc: ServerProcess; port?: number }> {
    const child = fork(PROCESS_ENTRY, [role], {
      execArgv: ['--import', 'tsx', ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF, name)}`] : [])],
      env: { ...process.env, ROOMKIT_BENCH_RT_CONFIG: JSON.stringify(cfg) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      detached: true,
    });
    const proc = new ServerProcess(name, child);
    const m = await proc.next(120_000);
    if (m.type !== 'ready') {
      proc.kill();
      throw new Error(`${name} did not start: ${m.type === 'error' ? m.error : m.type}`);
    }
    return { proc, port: m.port };
  }

  next(timeoutMs = 30_000): Promise<ChildMessage> {
    if (this.exited) return Promise.resolve({ type: 'error', error: `${this.name} exited` });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'error', error: `${this.name}: no answer within ${timeoutMs} ms` }), timeoutMs);
      this.waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  async command(cmd: ParentCommand, timeoutMs?: number): Promise<ChildMessage> {
    const answer = this.next(timeoutMs);
    this.child.send(cmd);
    return answer;
  }

  async stats(): Promise<ProcessStats | undefined> {
    const m = await this.command({ cmd: 'stats' });
    return m.type === 'stats' ? m.stats : undefined;
  }

  /** Graceful stop (closes its kit, sockets, Redis and SQLite), then the process group is killed if still there. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((r) => this.child.once('exit', r));
      await this.command({ cmd: 'stop' }, 20_000).catch(() => undefined);
      await Promise.race([exited, sleep(5_000)]);
    }
    this.kill();
  }

  kill(): void {
    if (!this.child.pid) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

// ── clients ─────────────────────────────────────────────────────────────────
type Frame = { type: string; event?: { type?: string; userId?: string; content?: { type: string; body?: string } }; [k: string]: unknown };

class BenchClient {
  readonly socket: WebSocket;
  ready = false;
  onFrame: (frame: Frame, at: number) => void = () => undefined;

  constructor(readonly index: number, readonly room: string, readonly user: string, readonly proc: number, base: string) {
    this.socket = new WebSocket(`${base}/ws?${new URLSearchParams({ room, participant: user })}`);
    this.socket.on('message', (data) => {
      const at = performance.now();
      this.onFrame(JSON.parse(String(data)) as Frame, at);
    });
  }

  /** Open and joined (`ready`), or an error. */
  joined(timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ${this.user}@${this.room}: no ready within ${timeoutMs} ms`)), timeoutMs);
      const previous = this.onFrame;
      this.onFrame = (frame, at) => {
        if (frame.type === 'ready') {
          clearTimeout(timer);
          this.ready = true;
          this.onFrame = previous;
          resolve();
        }
        previous(frame, at);
      };
      this.socket.once('close', (code, reason) => {
        clearTimeout(timer);
        reject(new Error(`client ${this.user}@${this.room}: closed ${code} ${String(reason)}`));
      });
      this.socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 3_000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000, 'bench done');
    });
  }
}

// ── samples ─────────────────────────────────────────────────────────────────
/** One typing event or message: its sender, when it was sent, and when each other client of the room got it. */
interface Sample {
  sender: BenchClient;
  sentAt: number;
  /** Messages: complete once the sender got its `ack` too. */
  expectsAck: boolean;
  ackAt?: number;
  /** client index → receive time. */
  received: Map<number, number>;
  waiting: Set<number>;
  done: Promise<void>;
  resolve: () => void;
}

function newSample(sender: BenchClient, roomClients: BenchClient[], expectsAck: boolean): Sample {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const waiting = new Set(roomClients.filter((c) => c !== sender).map((c) => c.index));
  return { sender, sentAt: 0, expectsAck, received: new Map(), waiting, done, resolve };
}

function hear(sample: Sample | undefined, client: BenchClient, at: number): void {
  if (!sample?.waiting.delete(client.index)) return;
  sample.received.set(client.index, at);
  if (sample.waiting.size === 0 && (!sample.expectsAck || sample.ackAt !== undefined)) sample.resolve();
}

interface Figure { p50: number; p99: number; max: number; count: number }
const figure = (xs: number[]): Figure => ({
  p50: round(percentile(xs, 50), 2), p99: round(percentile(xs, 99), 2), max: round(xs.length ? Math.max(...xs) : Number.NaN, 2), count: xs.length,
});

/** Latencies (ms) from the samples: every receiver, and split by whether it is on the sender's HTTP process. */
function fanOut(samples: Sample[], clients: BenchClient[], from: (s: Sample) => number | undefined = (s) => s.sentAt) {
  const all: number[] = [], same: number[] = [], other: number[] = [];
  let missing = 0;
  for (const s of samples) {
    const start = from(s);
    missing += s.waiting.size;
    if (start === undefined) continue;
    for (const [index, at] of s.received) {
      const ms = at - start;
      all.push(ms);
      (clients[index].proc === s.sender.proc ? same : other).push(ms);
    }
  }
  return { ...figure(all), missing, events: samples.length, sameProcess: figure(same), otherProcess: figure(other) };
}

/** Calls `send(i)` for i in [0, count) at `ratePerSec`, on a fixed schedule (open loop: answers do not slow it down). */
async function paced(count: number, ratePerSec: number, send: (i: number) => void): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    send(i);
  }
}

/** Waits until every sample is complete or `timeoutMs` passed since the last was sent. */
async function settle(samples: Sample[], timeoutMs: number): Promise<void> {
  await Promise.race([Promise.all(samples.map((s) => s.done)), sleep(timeoutMs)]);
}

// ── CPU per process ─────────────────────────────────────────────────────────
/** CPU time (ms) of a process from /proc (Linux); undefined when unreadable. */
function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

// ── main ────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const startedAt = Date.now();
  const loadAverageAtStart = os.loadavg().map((l) => round(l, 2));
  const temporal = temporalConfigFromEnv(process.env);
  const external = !!temporal.address;
  const { rooms: nRooms, clientsPerRoom } = config;
  log(`${QUICK ? 'quick smoke run' : 'full run'}: ${nRooms} rooms × ${clientsPerRoom} clients on 2 HTTP processes; run id ${runId}`);

  const cleanups: (() => Promise<unknown>)[] = [];
  const processes: ServerProcess[] = [];
  const clients: BenchClient[] = [];
  const onSignal = () => {
    for (const p of processes) p.kill();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Temporal: TEMPORAL_ADDRESS, or the embedded dev server as kit.start() starts it (pid kept for its CPU time).
    let address = temporal.address;
    let temporalPid: number | undefined;
    if (!address) {
      const cliPath = await locateTemporalCli({ log });
      const dev = await startDevServer({ cliPath, namespace: temporal.namespace, dynamicConfig: { ...EMBEDDED_DYNAMIC_CONFIG }, log });
      cleanups.push(() => dev.stop());
      address = dev.address;
      temporalPid = dev.process.pid;
    }
    let redis: RedisServer | undefined;
    let redisPid: number | undefined;
    let redisUrl = process.env.ROOMKIT_BENCH_REDIS_URL;
    if (!redisUrl) {
      redis = await startRedisServer({
        spawner: (command, argv, options) => {
          const child = spawn(command, argv, options);
          redisPid = child.pid;
          return child;
        },
      });
      cleanups.push(() => redis!.destroy());
      redisUrl = redis.url;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-bench-rt-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    log(`Temporal at ${address}, Redis at ${redisUrl}, SQLite in ${dir}`);

    const roomIds = Array.from({ length: nRooms }, (_, i) => `rt-${runId}-${i}`);
    const base: RealtimeProcessConfig = {
      temporalAddress: address, namespace: temporal.namespace, taskQueue: `bench-realtime-${runId}`,
      sqliteFile: path.join(dir, 'store.db'), redisUrl, prefix: `bench-${runId}:`,
    };
    // The worker first: it creates the SQLite schema and the rooms.
    const worker = await ServerProcess.spawn('worker', 'worker', { ...base, rooms: roomIds });
    processes.push(worker.proc);
    log(`worker ready (pid ${worker.proc.child.pid}); ${nRooms} rooms created with ws-user attached`);
    const https = await Promise.all([0, 1].map((i) => ServerProcess.spawn(`http${i + 1}`, 'http', base)));
    for (const h of https) processes.push(h.proc);
    const bases = https.map((h) => `ws://127.0.0.1:${h.port}`);
    log(`HTTP processes ready: ${bases.join(', ')} (pids ${https.map((h) => h.proc.child.pid).join(', ')})`);
    if (external) {
      cleanups.push(async () => {
        const connection = await Connection.connect({ address });
        const client = new TemporalClient({ connection, namespace: temporal.namespace });
        await pool(roomIds.length, 20, (i) => client.workflow.getHandle(roomWorkflowId(roomIds[i])).terminate('benchmark finished'));
        await connection.close();
      });
    }

    // Clients: user u of room r on HTTP process u % 2, so each room has half its clients on each.
    const byRoom: BenchClient[][] = roomIds.map(() => []);
    for (let r = 0; r < nRooms; r++) {
      for (let u = 0; u < clientsPerRoom; u++) {
        const c = new BenchClient(clients.length, roomIds[r], `user-${u}`, u % 2, bases[u % 2]);
        clients.push(c);
        byRoom[r].push(c);
      }
    }
    const connectStart = performance.now();
    const joins = await Promise.allSettled(clients.map((c) => c.joined(60_000)));
    const refused = joins.filter((j) => j.status === 'rejected');
    if (refused.length) throw new Error(`${refused.length} clients could not join: ${String((refused[0] as PromiseRejectedResult).reason)}`);
    const connectMs = performance.now() - connectStart;
    log(`${clients.length} clients joined in ${(connectMs / 1000).toFixed(1)} s`);
    await sleep(1_000); // presence `online` frames of the joins settle

    // Frame routing: typing samples by (room, user), messages by body.
    const typingBy = new Map<string, Sample>();
    const messageBy = new Map<string, Sample>();
    const awaitingAck = new Map<number, Sample>();
    for (const c of clients) {
      c.onFrame = (frame, at) => {
        if (frame.type === 'ephemeral' && frame.event?.type === 'typing_start') hear(typingBy.get(`${c.room}|${frame.event.userId}`), c, at);
        else if (frame.type === 'event' && frame.event?.content?.type === 'text') hear(messageBy.get(frame.event.content.body ?? ''), c, at);
        else if (frame.type === 'ack') {
          const s = awaitingAck.get(c.index);
          if (!s) return;
          awaitingAck.delete(c.index);
          s.ackAt = at;
          if (s.waiting.size === 0) s.resolve();
        } else if (frame.type === 'error') log(`client ${c.user}@${c.room} got an error frame: ${JSON.stringify(frame)}`);
      };
    }
    const sendTyping = (sender: BenchClient, roomClients: BenchClient[]): Sample | undefined => {
      const key = `${sender.room}|${sender.user}`;
      if (typingBy.get(key)?.waiting.size) return undefined; // still in flight: its frames could not be told apart
      const s = newSample(sender, roomClients, false);
      typingBy.set(key, s);
      s.sentAt = performance.now();
      sender.send({ type: 'typing', isTyping: true });
      return s;
    };
    let bodies = 0;
    const sendMessage = (sender: BenchClient, roomClients: BenchClient[]): Sample | undefined => {
      if (awaitingAck.has(sender.index)) return undefined;
      const body = `rt ${runId} #${++bodies}`;
      const s = newSample(sender, roomClients, true);
      messageBy.set(body, s);
      awaitingAck.set(sender.index, s);
      s.sentAt = performance.now();
      sender.send({ type: 'message', body });
      return s;
    };

    // Load of this process (the clients) and of the others, per phase.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    type PhaseLoad = Record<string, { cpuMs?: number; cpuPct?: number; loopDelayP99Ms?: number; elu?: number }>;
    const phaseStart = async () => {
      await Promise.all(processes.map((p) => p.stats()));
      loop.reset();
      const cpu = process.cpuUsage();
      return { at: performance.now(), cpu, temporal: procCpuMs(temporalPid), redis: procCpuMs(redisPid) };
    };
    const phaseEnd = async (start: Awaited<ReturnType<typeof phaseStart>>): Promise<PhaseLoad> => {
      const wall = performance.now() - start.at;
      const stats = await Promise.all(processes.map((p) => p.stats()));
      const c = process.cpuUsage(start.cpu);
      const pct = (ms: number | undefined) => (ms === undefined ? undefined : round((100 * ms) / wall, 1));
      const out: PhaseLoad = {
        clients: { cpuMs: round((c.user + c.system) / 1000), cpuPct: pct((c.user + c.system) / 1000), loopDelayP99Ms: round(loop.percentile(99) / 1e6, 1) },
      };
      processes.forEach((p, i) => {
        const s = stats[i];
        out[p.name] = s ? { cpuMs: round(s.cpuMs), cpuPct: pct(s.cpuMs), loopDelayP99Ms: round(s.loopDelayP99Ms, 1), elu: round(s.elu, 2) } : {};
      });
      const tEnd = procCpuMs(temporalPid), rEnd = procCpuMs(redisPid);
      if (tEnd !== undefined && start.temporal !== undefined) out.temporalServer = { cpuMs: round(tEnd - start.temporal), cpuPct: pct(tEnd - start.temporal) };
      if (rEnd !== undefined && start.redis !== undefined) out.redis = { cpuMs: round(rEnd - start.redis), cpuPct: pct(rEnd - start.redis) };
      return out;
    };
    const load: Record<string, PhaseLoad> = {};
    const describeLoad = (l: PhaseLoad) => Object.entries(l).map(([k, v]) => `${k} ${v.cpuPct ?? '?'}%`).join(', ');

    // ── typing, paced ──
    const { events: typingEvents, ratePerSec: typingRate, bursts } = config.typing;
    log(`typing: ${typingEvents} events at ${typingRate}/s, spread over the rooms`);
    let phase = await phaseStart();
    const typingSamples: Sample[] = [];
    let typingSkipped = 0;
    await paced(typingEvents, typingRate, (i) => {
      const r = i % nRooms;
      const sender = byRoom[r][Math.floor(i / nRooms) % clientsPerRoom];
      const s = sendTyping(sender, byRoom[r]);
      if (s) typingSamples.push(s);
      else typingSkipped++;
    });
    await settle(typingSamples, config.sampleTimeoutMs);
    load.typing = await phaseEnd(phase);
    const typing = fanOut(typingSamples, clients);
    log(`  typing fan-out: p50 ${typing.p50} ms, p99 ${typing.p99} ms, max ${typing.max} ms (${typing.count} deliveries, ${typing.missing} missing); ${describeLoad(load.typing)}`);

    // ── typing, bursts: one typing event in every room at once ──
    log(`typing bursts: ${bursts} × ${nRooms} events at once`);
    phase = await phaseStart();
    const burstSamples: Sample[] = [];
    for (let b = 0; b < bursts; b++) {
      const round: Sample[] = [];
      for (let r = 0; r < nRooms; r++) {
        // Senders alternate between the two HTTP processes from room to room.
        const s = sendTyping(byRoom[r][(b + r + 1) % clientsPerRoom], byRoom[r]);
        if (s) round.push(s);
      }
      burstSamples.push(...round);
      await settle(round, config.sampleTimeoutMs);
      await sleep(300);
    }
    load.typingBursts = await phaseEnd(phase);
    const burst = fanOut(burstSamples, clients);
    log(`  burst fan-out: p50 ${burst.p50} ms, p99 ${burst.p99} ms, max ${burst.max} ms (${burst.count} deliveries, ${burst.missing} missing)`);

    // ── messages: a warm-up message per room, then paced ──
    const { count: nMessages, ratePerSec: messageRate } = config.messages;
    log(`messages: 1 warm-up per room, then ${nMessages} at ${messageRate}/s`);
    const warm = await pool(nRooms, 5, async (r) => {
      const s = sendMessage(byRoom[r][0], byRoom[r]);
      await Promise.race([s?.done, sleep(config.sampleTimeoutMs)]);
    });
    if (warm.errors) throw new Error(`warm-up messages failed: ${String(warm.firstError)}`);
    await sleep(500);
    phase = await phaseStart();
    const messageSamples: Sample[] = [];
    let messagesSkipped = 0;
    await paced(nMessages, messageRate, (i) => {
      const r = i % nRooms;
      const sender = byRoom[r][(Math.floor(i / nRooms) + 1) % clientsPerRoom];
      const s = sendMessage(sender, byRoom[r]);
      if (s) messageSamples.push(s);
      else messagesSkipped++;
    });
    await settle(messageSamples, config.sampleTimeoutMs);
    load.messages = await phaseEnd(phase);
    loop.disable();
    const message = fanOut(messageSamples, clients);
    const afterAck = fanOut(messageSamples, clients, (s) => s.ackAt);
    const acks = messageSamples.filter((s) => s.ackAt !== undefined).map((s) => (s.ackAt as number) - s.sentAt);
    const phaseT0 = messageSamples[0]?.sentAt ?? 0;
    const ack = {
      ...figure(acks), missing: messageSamples.length - acks.length,
      /** The slowest acks and when they were sent (s into the phase): clustered ones point at a stall of the machine or the server. */
      slowest: messageSamples.filter((s) => s.ackAt !== undefined).sort((a, b) => (b.ackAt as number) - b.sentAt - ((a.ackAt as number) - a.sentAt)).slice(0, 8)
        .map((s) => ({ atSec: round((s.sentAt - phaseT0) / 1000, 2), ms: round((s.ackAt as number) - s.sentAt, 1), room: s.sender.room })),
    };
    log(`  message fan-out: p50 ${message.p50} ms, p99 ${message.p99} ms, max ${message.max} ms (${message.count} deliveries, ${message.missing} missing); ${describeLoad(load.messages)}`);
    log(`  ack: p50 ${ack.p50} ms, p99 ${ack.p99} ms; fan-out after the ack: p50 ${afterAck.p50} ms, p99 ${afterAck.p99} ms`);

    // ── report ──
    const cpus = os.cpus();
    const ok = (f: Figure) => f.count > 0 && f.p99 <= config.target.p99Ms;
    const results = {
      machine: {
        cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memGB: round(os.totalmem() / 1024 ** 3, 1), node: process.version,
        loadAverageAtStart, loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
      },
      date: new Date().toISOString(),
      config: {
        ...config,
        clients: clients.length,
        processes: 'three child processes: 1 worker (Temporal worker; creates the rooms), 2 HTTP (kit.connect + createApp + attachWebSocketEndpoint on 127.0.0.1; 5 clients of each room on each). The bench process holds the clients and starts the Temporal dev server and redis-server',
        store: 'SQLite, one file shared by the three processes (WAL)',
        realtime: `RedisRealtime per process; ${redis ? `redis-server ${redisVersion()} started for the run` : 'ROOMKIT_BENCH_REDIS_URL'}`,
        temporal: external ? 'external (TEMPORAL_ADDRESS)' : 'embedded dev server (EMBEDDED_DYNAMIC_CONFIG)',
        connectSec: round(connectMs / 1000, 1),
        durationSec: 0,
      },
      results: {
        /** `typing` frame sent → `typing_start` ephemeral at each of the room's other clients, paced. */
        typingFanOutMs: { ...typing, skipped: typingSkipped },
        /** The same, one typing event in every room at once, `bursts` times. */
        typingBurstFanOutMs: burst,
        /** `message` frame sent → its `event` frame at each of the room's other clients (commit, then the endpoint's echo). */
        messageFanOutMs: { ...message, skipped: messagesSkipped },
        /** `message` frame sent → `ack` at the sender (the room committed it). */
        messageAckMs: ack,
        /** The sender's `ack` → the `event` frame at each other client: the fan-out part of the message path. */
        messageFanOutAfterAckMs: afterAck,
        /** CPU of each process during each phase (% of one core over the phase's wall time), event loop delay p99. */
        load,
      },
      notes: [
        'Latencies are measured by the clients (send to receive, one clock): the message figures include the room commit (a Temporal update and the persist activity), messageFanOutAfterAckMs is the part after it.',
        'Every process shares the machine with the others (and with whatever else runs on it): see machine.loadAverage* and results.load.',
      ],
      target: `p99 <= ${config.target.p99Ms} ms`,
      checks: { typingP99: ok(typing), typingBurstP99: ok(burst), messageFanOutP99: ok(message), messageAckP99: ok(ack) },
    };
    results.config.durationSec = round((Date.now() - startedAt) / 1000, 0);
    const written = await saveSection(OUT, 'realtime', results, log);
    printSummary(results.results, results.checks);
    console.log(`\nwritten: ${written} (under realtime) (${results.config.durationSec} s)`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(processes.map((p) => p.stop()));
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => log(`cleanup failed: ${String(err)}`));
  }
}

function redisVersion(): string {
  try {
    return /v=(\S+)/.exec(execFileSync('/usr/bin/redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function printSummary(r: Record<string, unknown>, checks: Record<string, boolean>): void {
  const rows: [string, Figure & { missing?: number }][] = [
    ['typing fan-out (paced)', r.typingFanOutMs as Figure],
    ['typing fan-out (bursts)', r.typingBurstFanOutMs as Figure],
    ['message fan-out', r.messageFanOutMs as Figure],
    ['message ack', r.messageAckMs as Figure],
    ['message fan-out after ack', r.messageFanOutAfterAckMs as Figure],
  ];
  console.log(`\nWebSocket fan-out, ${config.rooms} rooms × ${config.clientsPerRoom} clients on 2 HTTP processes (ms; target p99 <= ${config.target.p99Ms}):`);
  for (const [label, f] of rows) {
    console.log(`  ${label.padEnd(26)} p50 ${String(f.p50).padStart(7)}  p99 ${String(f.p99).padStart(7)}  max ${String(f.max).padStart(7)}  n=${f.count}${f.missing ? ` (${f.missing} missing)` : ''}`);
  }
  console.log(`  checks: ${Object.entries(checks).map(([k, v]) => `${k} ${v ? 'ok' : 'MISSED'}`).join(', ')}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
