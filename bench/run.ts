/**
 * `npm run bench` (tsx bench/run.ts): RoomKit against its floor, side by side, on ONE Temporal
 * server (the embedded dev server with kit.start()'s dynamic config, or TEMPORAL_ADDRESS).
 *
 * Figures: processInbound latency p50/p99, end-to-end delivery latency p50/p99, throughput for many
 * rooms, throughput of one hot room, worker heap per cached room. Each one next to the floor (a bare
 * workflow doing the same Temporal round trips, bench/floor-workflow.ts) and as a ratio.
 * `--store=sqlite|postgres` puts that store under the RoomKit side, and adds a third side to the
 * latency figure, RoomKit on the in-memory store, to give the store's cost as a ratio (target for
 * postgres: p50 ≤ 1.3×). See bench/README.md. Sizes: BENCH_* environment variables or --name=value arguments.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import {
  InMemoryStore, MockSMSProvider, RoomKit, SMSChannel, WORKFLOWS_PATH, ensureTemporalServer, locateTemporalCli,
  startDevServer, temporalConfigFromEnv, type ChannelBinding, type InboundResult, type Participant, type RoomEvent,
  type TemporalConfig, type TemporalServerHandle,
} from '../src/index.js';
import { installQuietRuntime } from '../src/kit/worker.js';
import { EMBEDDED_DYNAMIC_CONFIG } from '../src/temporal/config.js';
import { createFloorActivities } from './floor-activities.js';
import { floorUpdate, floorWorkflow } from './floor-workflow.js';
import { gcFunction, percentile, pool, round, settledMemory, sleep } from './lib.js';
import { ProbeSMSProvider, SendProbe } from './probe.js';
import { saveResults } from './results-file.js';
import { callsPerMessage, countCalls, openBenchStore, parseStoreKind, type StoreCalls } from './stores.js';

// ── configuration ───────────────────────────────────────────────────────────
const args = new Map(
  process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
    const [k, ...v] = a.slice(2).split('=');
    return [k.toUpperCase().replace(/-/g, '_'), v.length ? v.join('=') : '1'] as const;
  }),
);
const setting = (name: string): string | undefined => args.get(name) ?? process.env[`BENCH_${name}`];
const QUICK = ['1', 'true', 'yes'].includes((setting('QUICK') ?? '').toLowerCase());
const int = (name: string, full: number, quick: number): number => {
  const raw = setting(name);
  const value = raw === undefined ? (QUICK ? quick : full) : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_${name} must be a positive integer, got ${raw}`);
  return value;
};

const STORE = parseStoreKind(setting('STORE'));
const PG_POOL = setting('PG_POOL') === undefined ? undefined : int('PG_POOL', 10, 10);
const PG_DURABLE = ['1', 'true', 'yes'].includes((setting('PG_DURABLE') ?? '').toLowerCase());
/** Where this run goes in results.json: the top level (memory) or `stores.<key>`. */
const RESULTS_KEY = STORE === 'postgres' && PG_DURABLE && !process.env.ROOMKIT_BENCH_POSTGRES_URL ? 'postgres-durable' : STORE;
/** Target for RoomKit on the postgres store against RoomKit on the in-memory store (processInbound p50). */
const STORE_TARGET = 1.3;
/** Hot room, absolute (issue «outside checks», item 8; it was 50 before). */
const HOT_ROOM_TARGET = 100;

const config = {
  quick: QUICK,
  latency: { warmup: int('LATENCY_WARMUP', 20, 5), samples: int('LATENCY_SAMPLES', 200, 30) },
  throughput: { rooms: int('ROOMS', 100, 10), messagesPerRoom: int('MESSAGES_PER_ROOM', 20, 5), concurrency: int('CONCURRENCY', 50, 10) },
  hotRoom: { senders: int('HOT_SENDERS', 10, 10), messagesPerSender: int('HOT_MESSAGES_PER_SENDER', 20, 3) },
  heap: { rooms: int('HEAP_ROOMS', 100, 20), warmupRooms: int('HEAP_WARMUP_ROOMS', 10, 3), messagesPerRoom: int('HEAP_MESSAGES_PER_ROOM', 2, 2), concurrency: 20 },
  /** Rounds of each side (alternating which side goes first); the best round counts. */
  rounds: { throughput: int('THROUGHPUT_ROUNDS', 1, 1), hotRoom: int('HOT_ROUNDS', 2, 1) },
};
const OUT = setting('OUT') ?? fileURLToPath(new URL(QUICK ? './results.quick.json' : './results.json', import.meta.url));
const FLOOR_WORKFLOWS_PATH = fileURLToPath(new URL('./floor-workflow.ts', import.meta.url));

const runId = randomUUID().slice(0, 8);
const t0 = performance.now();
const log = (message: string): void => console.error(`[bench +${((performance.now() - t0) / 1000).toFixed(0)}s] ${message}`);
const SENDER = '+15550000001';
const RECIPIENT = '+15550000002';

// ── the two sides ───────────────────────────────────────────────────────────
interface Side {
  /** `roomkit-memory`: the in-memory reference of a run on another store (latency only). */
  name: 'roomkit' | 'floor' | 'roomkit-memory';
  /** Make `roomId` ready to receive (RoomKit: room + source and target bindings; floor: nothing). */
  prepare(roomId: string): Promise<void>;
  /** One message, returning once the target was delivered. */
  send(roomId: string, body: string): Promise<void>;
}

function roomKitSide(kit: RoomKit, name: Side['name'] = 'roomkit'): Side {
  return {
    name,
    async prepare(roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'sms-in', { metadata: { phoneNumber: SENDER } });
      await kit.attachChannel(roomId, 'sms-out', { metadata: { phoneNumber: RECIPIENT } });
    },
    async send(roomId, body) {
      const result: InboundResult = await kit.processInbound(
        { channelId: 'sms-in', senderId: SENDER, content: { type: 'text', body } }, { roomId },
      );
      const delivery = result.deliveryResults['sms-out'];
      if (result.blocked || delivery?.status !== 'sent') {
        throw new Error(`room ${roomId}: message not delivered (${JSON.stringify({ blocked: result.blocked, delivery })})`);
      }
    },
  };
}

function floorSide(client: Client, taskQueue: string): Side {
  return {
    name: 'floor',
    async prepare() {},
    async send(roomId, body) {
      await client.workflow.executeUpdateWithStart(floorUpdate, {
        args: [{ roomId, senderId: SENDER, body }],
        startWorkflowOperation: new WithStartWorkflowOperation(floorWorkflow, {
          workflowId: `floor:${roomId}`, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    },
  };
}

let bodyCounter = 0;
const nextBody = (tag: string): string => `bench ${tag} #${++bodyCounter}`;

// ── figures ─────────────────────────────────────────────────────────────────
interface LatencySamples { inbound: number[]; delivery: number[] }

/**
 * Sequential messages into one warm room per side, the sides taking turns message by message.
 * `onWarm` runs once, after the warm-up and before the first timed message.
 */
async function measureLatency(sides: Side[], probe: SendProbe, onWarm?: () => void): Promise<Record<string, LatencySamples>> {
  const roomOf = (s: Side) => `lat-${s.name}-${runId}`;
  for (const s of sides) await s.prepare(roomOf(s));
  const samples: Record<string, LatencySamples> = Object.fromEntries(sides.map((s) => [s.name, { inbound: [], delivery: [] }]));
  const total = config.latency.warmup + config.latency.samples;
  for (let i = 0; i < total; i++) {
    if (i === config.latency.warmup) onWarm?.();
    // Rotate who goes first so no side always follows the same other side's idle gap.
    const order = [...sides.slice(i % sides.length), ...sides.slice(0, i % sides.length)];
    for (const s of order) {
      const body = nextBody(`lat-${s.name}`);
      const t0 = performance.now();
      await s.send(roomOf(s), body);
      const t1 = performance.now();
      const sentAt = probe.take(body);
      if (sentAt === undefined) throw new Error(`${s.name}: the target never saw ${body}`);
      if (i < config.latency.warmup) continue;
      samples[s.name].inbound.push(t1 - t0);
      samples[s.name].delivery.push(sentAt - t0);
    }
  }
  return samples;
}

interface RateSample {
  msgPerSec: number; messages: number; elapsedMs: number; errors: number;
  /** Per-message call latency under this load. */
  latencyMs: { p50: number; p99: number };
  /** CPU per message: this process (client + both workers) and the embedded server, when known. */
  cpuMsPerMsg: { process: number; server?: number };
}

/** CPU time used so far by this process and by the embedded server (Linux /proc; ms). */
function cpuNow(): { process: number; server?: number } {
  const u = process.cpuUsage();
  let server: number | undefined;
  if (serverPid !== undefined) {
    try {
      const stat = readFileSync(`/proc/${serverPid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      server = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      server = undefined;
    }
  }
  return { process: (u.user + u.system) / 1000, server };
}
let serverPid: number | undefined;
const CLOCK_TICKS = 100;

/** `rooms` × `perRoom` messages, round-robin across the rooms, `concurrency` in flight. */
async function measureRate(side: Side, tag: string, rooms: string[], perRoom: number, concurrency: number): Promise<RateSample> {
  const count = rooms.length * perRoom;
  const cpu0 = cpuNow();
  const latencies: number[] = [];
  const out = await pool(count, concurrency, async (i) => {
    const started = performance.now();
    await side.send(rooms[i % rooms.length], nextBody(`${tag}-${side.name}`));
    latencies.push(performance.now() - started);
  });
  const cpu1 = cpuNow();
  if (out.errors) log(`${side.name} ${tag}: ${out.errors}/${count} messages failed; first: ${describeError(out.firstError)}`);
  const ok = count - out.errors;
  const sample: RateSample = {
    msgPerSec: (ok * 1000) / out.elapsedMs, messages: count, elapsedMs: out.elapsedMs, errors: out.errors,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    cpuMsPerMsg: {
      process: (cpu1.process - cpu0.process) / count,
      ...(cpu0.server !== undefined && cpu1.server !== undefined && { server: (cpu1.server - cpu0.server) / count }),
    },
  };
  const server = sample.cpuMsPerMsg.server === undefined ? '' : `, server ${sample.cpuMsPerMsg.server.toFixed(1)}`;
  log(`  ${side.name} ${tag}: ${sample.msgPerSec.toFixed(1)} msg/s (${(out.elapsedMs / 1000).toFixed(1)} s; call p50 ${sample.latencyMs.p50.toFixed(0)} ms, p99 ${sample.latencyMs.p99.toFixed(0)} ms; CPU ms/msg: process ${sample.cpuMsPerMsg.process.toFixed(1)}${server})`);
  return sample;
}

/** Rooms created (and one message each, so they run and sit in the cache) before anything is timed. */
async function warmRooms(side: Side, rooms: string[], concurrency: number): Promise<void> {
  const out = await pool(rooms.length, concurrency, async (i) => {
    await side.prepare(rooms[i]);
    await side.send(rooms[i], nextBody(`warm-${side.name}`));
  });
  if (out.errors) throw new Error(`${side.name}: ${out.errors} rooms failed to warm up: ${describeError(out.firstError)}`);
}

/** Alternating rounds (A B, B A, …) of the same workload; returns every round's sample per side. */
async function rounds(
  sides: Side[], count: number, run: (s: Side, round: number) => Promise<RateSample>,
): Promise<Record<string, RateSample[]>> {
  const all: Record<string, RateSample[]> = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (let r = 0; r < count; r++) {
    for (const s of r % 2 === 0 ? sides : [...sides].reverse()) all[s.name].push(await run(s, r));
  }
  return all;
}

const best = (xs: RateSample[]): RateSample => xs.reduce((a, b) => (b.msgPerSec > a.msgPerSec ? b : a));

/**
 * Heap per cached room: a worker of its own in `debugMode` (workflows run in the main isolate, so
 * `heapUsed` sees them; the default runs them in a worker thread whose heap `process.memoryUsage()`
 * does not report), with a cache larger than the rooms. heapUsed after full GCs, before and after
 * `rooms` more rooms are created and used, divided by `rooms`. The stores drop what they are given,
 * so the delta is the workflow cache, not the read model.
 */
async function measureHeap(
  name: string, gc: () => void, startOne: (i: number) => Promise<void>,
): Promise<{ kbPerRoom: number; rssKbPerRoom: number }> {
  const { rooms, warmupRooms, concurrency } = config.heap;
  for (let i = 0; i < warmupRooms; i++) await startOne(i);
  await sleep(300);
  const before = await settledMemory(gc);
  const out = await pool(rooms, concurrency, (i) => startOne(warmupRooms + i));
  if (out.errors) throw new Error(`${name} heap phase: ${out.errors} rooms failed: ${describeError(out.firstError)}`);
  await sleep(300);
  const after = await settledMemory(gc);
  return { kbPerRoom: (after.heapUsed - before.heapUsed) / 1024 / rooms, rssKbPerRoom: (after.rss - before.rss) / 1024 / rooms };
}

/** Keeps rooms (deliveries read them) and drops everything else: the heap phase measures the cache. */
class RoomsOnlyStore extends InMemoryStore {
  override async putEvents(_events: RoomEvent[]): Promise<void> {}
  override async putBinding(_binding: ChannelBinding): Promise<void> {}
  override async putParticipant(_participant: Participant): Promise<void> {}
}

// ── plumbing ────────────────────────────────────────────────────────────────
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
  return `${err.name}: ${err.message}${cause}`;
}

async function temporalCliVersion(external: boolean): Promise<string> {
  try {
    const cli = await locateTemporalCli({ build: false });
    const version = await new Promise<string>((resolve, reject) =>
      execFile(cli, ['--version'], { timeout: 15_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
    );
    return external ? `external server (TEMPORAL_ADDRESS); local CLI: ${version}` : version;
  } catch {
    return external ? 'external server (TEMPORAL_ADDRESS)' : 'unknown';
  }
}

/**
 * TEMPORAL_ADDRESS ⇒ that server. Otherwise the embedded dev server exactly as `kit.start()` starts
 * it (what `ensureTemporalServer` does: locate the CLI, EMBEDDED_DYNAMIC_CONFIG), keeping its pid
 * so the server's CPU per message can be read.
 */
async function startServer(temporal: TemporalConfig): Promise<TemporalServerHandle & { pid?: number }> {
  if (temporal.address) return ensureTemporalServer(temporal, { log });
  const cliPath = await locateTemporalCli({
    log, env: temporal.cliPath ? { ...process.env, TEMPORAL_CLI_PATH: temporal.cliPath } : process.env,
  });
  const dev = await startDevServer({ cliPath, namespace: temporal.namespace, dynamicConfig: { ...EMBEDDED_DYNAMIC_CONFIG }, log });
  return { address: dev.address, namespace: dev.namespace, embedded: true, stop: dev.stop, pid: dev.process.pid };
}

async function bundle(workflowsPath: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  return code;
}

interface FloorWorker { worker: Worker; stop(): Promise<void> }

async function startFloorWorker(
  address: string, namespace: string, taskQueue: string, code: string,
  activities: ReturnType<typeof createFloorActivities>, extra: { debugMode?: boolean; maxCachedWorkflows?: number } = {},
): Promise<FloorWorker> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: { code }, activities, ...extra });
  const done = worker.run();
  let stopping: Promise<void> | undefined;
  return {
    worker,
    stop() {
      stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done.catch(() => undefined);
        await connection.close();
      })();
      return stopping;
    },
  };
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

// ── main ────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const startedAt = Date.now();
  const { gc, source: gcSource } = gcFunction();
  const temporal = temporalConfigFromEnv(process.env);
  const external = !!temporal.address;
  log(`${QUICK ? 'quick smoke run' : 'full run'} on the ${STORE} store; run id ${runId}`);

  const server = await startServer(temporal);
  serverPid = server.pid;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    installQuietRuntime();
    log(`Temporal at ${server.address}${server.embedded ? ' (embedded dev server)' : ''}; bundling workflows`);
    const roomCode = await bundle(WORKFLOWS_PATH);
    const floorCode = await bundle(FLOOR_WORKFLOWS_PATH);

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });

    // The store under test; the kit closes it, `dispose` (after the kit, cleanups run in reverse) removes it.
    const benched = await openBenchStore(STORE, runId, log, { poolSize: PG_POOL, durable: PG_DURABLE });
    cleanups.push(() => benched.dispose());

    // Main pair: RoomKit's worker and the floor's, default worker options both.
    const probe = new SendProbe();
    const newKit = (store: RoomKit['store'], taskQueue: string): RoomKit => {
      const k = new RoomKit({ store, temporal: { address: server.address, namespace: temporal.namespace, taskQueue }, log });
      k.registerChannel(new SMSChannel('sms-in', { provider: new MockSMSProvider() }));
      k.registerChannel(new SMSChannel('sms-out', { provider: new ProbeSMSProvider(probe), fromNumber: SENDER }));
      return k;
    };
    const kit = newKit(benched.store, `bench-roomkit-${runId}`);
    await kit.start({ workflowBundle: { code: roomCode } });
    cleanups.push(() => kit.close());
    const floorQueue = `bench-floor-${runId}`;
    const floorWorker = await startFloorWorker(server.address, temporal.namespace, floorQueue, floorCode, createFloorActivities(probe));
    cleanups.push(() => floorWorker.stop());
    const mainMaxCached = floorWorker.worker.options.maxCachedWorkflows;
    const sides = [roomKitSide(kit), floorSide(client, floorQueue)];

    // Another store: RoomKit on the in-memory store takes its turn in the latency figure too (its own
    // worker, stopped after it), so the store's cost is a ratio measured under the same conditions.
    const reference = STORE === 'memory' ? undefined : countCalls(new InMemoryStore());
    const refKit = reference && newKit(reference.store, `bench-roomkit-memory-${runId}`);
    if (refKit) {
      await refKit.start({ workflowBundle: { code: roomCode } });
      cleanups.push(() => refKit.close());
    }
    const latencySides = refKit ? [...sides, roomKitSide(refKit, 'roomkit-memory')] : sides;

    log(`latency: ${config.latency.warmup} warm-up + ${config.latency.samples} sequential messages per side (${latencySides.map((s) => s.name).join(', ')})`);
    let warmCalls: { store: StoreCalls; reference?: StoreCalls } | undefined;
    const lat = await measureLatency(latencySides, probe, () => {
      warmCalls = { store: benched.snapshot(), reference: reference?.snapshot() };
    });
    const latencyCalls = {
      [STORE]: callsPerMessage(warmCalls!.store, benched.snapshot(), config.latency.samples),
      ...(reference && { memory: callsPerMessage(warmCalls!.reference!, reference.snapshot(), config.latency.samples) }),
    };
    await refKit?.close();

    const { rooms: nRooms, messagesPerRoom, concurrency } = config.throughput;
    log(`throughput: ${nRooms} rooms × ${messagesPerRoom} messages, ${concurrency} in flight, ${config.rounds.throughput} round(s)`);
    const roomsOf = (s: Side) => Array.from({ length: nRooms }, (_, i) => `tp-${s.name}-${runId}-${i}`);
    for (const s of sides) await warmRooms(s, roomsOf(s), concurrency);
    const tp = await rounds(sides, config.rounds.throughput, (s, r) => measureRate(s, `tp${r}`, roomsOf(s), messagesPerRoom, concurrency));

    const { senders, messagesPerSender } = config.hotRoom;
    log(`hot room: ${senders} concurrent senders × ${messagesPerSender} messages, ${config.rounds.hotRoom} round(s)`);
    const hotRoomOf = (s: Side) => `hot-${s.name}-${runId}`;
    for (const s of sides) await warmRooms(s, [hotRoomOf(s)], 1);
    const hot = await rounds(sides, config.rounds.hotRoom, (s, r) => {
      // Each sender sends its messages one after another: `senders` in flight into one room.
      const perRoom = Array.from({ length: senders }, () => hotRoomOf(s));
      return measureRate(s, `hot${r}`, perRoom, messagesPerSender, senders);
    });

    // The main workers are done: stop them so the heap phase has the process to itself.
    await floorWorker.stop();
    await kit.close();

    log(`heap: ${config.heap.rooms} rooms per side in a debugMode worker (${gcSource})`);
    const heapMaxCached = config.heap.rooms + config.heap.warmupRooms + 50;
    const heapWorkerOptions = { debugMode: true, maxCachedWorkflows: heapMaxCached };
    const heapProbe = new SendProbe(false);
    const heapKit = new RoomKit({
      store: new RoomsOnlyStore(),
      temporal: { address: server.address, namespace: temporal.namespace, taskQueue: `bench-heap-roomkit-${runId}` },
      log,
    });
    heapKit.registerChannel(new SMSChannel('sms-in'));
    heapKit.registerChannel(new SMSChannel('sms-out', { provider: new ProbeSMSProvider(heapProbe), fromNumber: SENDER }));
    await heapKit.start({ workflowBundle: { code: roomCode }, workerOptions: heapWorkerOptions });
    cleanups.push(() => heapKit.close());
    const heapRk = roomKitSide(heapKit);
    const heapPrefix = `heap-${runId}`;
    const use = (s: Side) => async (i: number): Promise<void> => {
      const roomId = `${heapPrefix}-${s.name}-${i}`;
      await s.prepare(roomId);
      for (let m = 0; m < config.heap.messagesPerRoom; m++) await s.send(roomId, `heap message ${m}`);
    };
    const heapRoomKit = await measureHeap('roomkit', gc, use(heapRk));
    await heapKit.close();
    const heapFloorQueue = `bench-heap-floor-${runId}`;
    const heapFloorWorker = await startFloorWorker(
      server.address, temporal.namespace, heapFloorQueue, floorCode,
      createFloorActivities(heapProbe, { keepEvents: false }), heapWorkerOptions,
    );
    cleanups.push(() => heapFloorWorker.stop());
    const heapFloor = await measureHeap('floor', gc, use(floorSide(client, heapFloorQueue)));
    await heapFloorWorker.stop();

    if (external) {
      // An external server outlives this run: end the workflows we started (rooms never end by themselves).
      log('terminating the benchmark workflows on the external server');
      const ids = [
        ...latencySides.map((s) => `lat-${s.name}-${runId}`), ...sides.flatMap(roomsOf), ...sides.map(hotRoomOf),
        ...Array.from({ length: config.heap.rooms + config.heap.warmupRooms }, (_, i) => [`${heapPrefix}-roomkit-${i}`, `${heapPrefix}-floor-${i}`]).flat(),
      ].map((id) => (id.includes('-floor-') ? `floor:${id}` : `room:${id}`));
      await pool(ids.length, 20, (i) => client.workflow.getHandle(ids[i]).terminate('benchmark finished'));
    }

    // ── report ──────────────────────────────────────────────────────────────
    const lr = lat.roomkit, lf = lat.floor;
    const tpR = best(tp.roomkit), tpF = best(tp.floor);
    const hotR = best(hot.roomkit), hotF = best(hot.floor);
    const cpus = os.cpus();
    const refLat = lat['roomkit-memory'];
    const storeVsMemory = refLat && {
      how: `one run: RoomKit on ${STORE}, RoomKit on the in-memory store and the floor take turns message by message`,
      processInboundLatencyMs: storeFigure(lr.inbound, refLat.inbound),
      deliveryLatencyMs: storeFigure(lr.delivery, refLat.delivery),
      memoryVsFloorP50: round(percentile(refLat.inbound, 50) / percentile(lf.inbound, 50), 2),
      target: `processInbound p50 <= ${STORE_TARGET}x in-memory`,
    };
    const results = {
      machine: {
        cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memGB: round(os.totalmem() / 1024 ** 3, 1),
        node: process.version, temporalCli: await temporalCliVersion(external),
      },
      date: new Date().toISOString(),
      config: {
        ...config,
        server: external ? { address: server.address, embedded: false } : { embedded: true, dynamicConfig: EMBEDDED_DYNAMIC_CONFIG },
        workers: { maxCachedWorkflows: mainMaxCached, heapPhase: heapWorkerOptions },
        gc: gcSource,
        store: benched.info,
        heapPhaseStore: 'in-memory (RoomsOnlyStore) whatever --store says: that phase measures the workflow cache',
        durationSec: 0,
      },
      results: {
        processInboundLatencyMs: latencyFigure(lr.inbound, lf.inbound),
        deliveryLatencyMs: latencyFigure(lr.delivery, lf.delivery),
        throughput100x20: rateFigure(tpR, tpF, tp),
        hotRoom: { ...rateFigure(hotR, hotF, hot), target: HOT_ROOM_TARGET },
        heapPerCachedRoomKB: {
          kb: round(heapRoomKit.kbPerRoom), floorKB: round(heapFloor.kbPerRoom), ratio: round(heapRoomKit.kbPerRoom / heapFloor.kbPerRoom, 2),
          rssKB: round(heapRoomKit.rssKbPerRoom), floorRssKB: round(heapFloor.rssKbPerRoom),
          rooms: config.heap.rooms, maxCachedWorkflows: heapMaxCached, mainWorkersMaxCachedWorkflows: mainMaxCached,
        },
        /** Store calls per timed latency message, and their summed wall time (ms; parallel reads overlap). */
        storeCallsPerMessage: latencyCalls,
      },
      ...(storeVsMemory && { storeVsMemory }),
      targets: {
        latencyP50: '<=1.5x', throughput: '>=0.7x', hotRoom: `>=${HOT_ROOM_TARGET} msg/s`,
        ...(storeVsMemory && { storeLatencyP50: `<=${STORE_TARGET}x in-memory` }),
      },
      checks: {} as Record<string, boolean>,
    };
    const r = results.results;
    results.checks = {
      processInboundLatencyP50: r.processInboundLatencyMs.ratioP50 <= 1.5,
      deliveryLatencyP50: r.deliveryLatencyMs.ratioP50 <= 1.5,
      throughput100x20: r.throughput100x20.ratio >= 0.7,
      hotRoom: r.hotRoom.msgPerSec >= HOT_ROOM_TARGET,
      ...(storeVsMemory && { storeLatencyP50: storeVsMemory.processInboundLatencyMs.ratioP50 <= STORE_TARGET }),
    };
    results.config.durationSec = round((Date.now() - startedAt) / 1000, 0);
    const written = await saveResults(OUT, RESULTS_KEY, results, log);
    printTable(results);
    printStoreComparison(latencyCalls, storeVsMemory);
    console.log(`\nwritten: ${written}${STORE === 'memory' ? '' : ` (under stores.${RESULTS_KEY})`} (${results.config.durationSec} s)`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await server.stop();
  }
}

function latencyFigure(project: number[], floor: number[]) {
  const p50 = percentile(project, 50), p95 = percentile(project, 95), p99 = percentile(project, 99);
  const floorP50 = percentile(floor, 50), floorP95 = percentile(floor, 95), floorP99 = percentile(floor, 99);
  return {
    p50: round(p50, 2), p95: round(p95, 2), p99: round(p99, 2),
    floorP50: round(floorP50, 2), floorP95: round(floorP95, 2), floorP99: round(floorP99, 2),
    ratioP50: round(p50 / floorP50, 2), ratioP95: round(p95 / floorP95, 2), ratioP99: round(p99 / floorP99, 2), samples: project.length,
  };
}

/** RoomKit on the store under test against RoomKit on the in-memory store, from the same run. */
function storeFigure(store: number[], memory: number[]) {
  const at = (p: number) => ({ store: percentile(store, p), memory: percentile(memory, p) });
  const [p50, p95, p99] = [at(50), at(95), at(99)];
  return {
    p50: round(p50.store, 2), p95: round(p95.store, 2), p99: round(p99.store, 2),
    memoryP50: round(p50.memory, 2), memoryP95: round(p95.memory, 2), memoryP99: round(p99.memory, 2),
    ratioP50: round(p50.store / p50.memory, 2), ratioP95: round(p95.store / p95.memory, 2), ratioP99: round(p99.store / p99.memory, 2),
    /** What the store adds at p50, in ms: the ratio alone hides it behind Temporal's round trips. */
    addedP50Ms: round(p50.store - p50.memory, 2),
    samples: store.length,
  };
}

type StoreComparison = { processInboundLatencyMs: ReturnType<typeof storeFigure>; deliveryLatencyMs: ReturnType<typeof storeFigure>; memoryVsFloorP50: number };

/** Store calls per message, then (on another store) its latency against the in-memory store's. */
function printStoreComparison(calls: Record<string, StoreCalls>, cmp: StoreComparison | undefined): void {
  for (const [store, perMethod] of Object.entries(calls)) {
    const list = Object.entries(perMethod).map(([m, c]) => `${m} ${c.calls} (${c.ms.toFixed(2)} ms)`).join(', ');
    console.log(`store calls per message, ${store}: ${list || 'none'}`);
  }
  if (!cmp) return;
  const line = (label: string, f: ReturnType<typeof storeFigure>, target?: number) =>
    console.log(`  ${label.padEnd(15)} p50 ${fmt(f.p50)} vs ${fmt(f.memoryP50)} ms = ${fmt(f.ratioP50, 2)}x`
      + `${target === undefined ? '' : ` (target <=${target}x: ${f.ratioP50 <= target ? 'ok' : 'MISSED'})`}`
      + `; p95 ${fmt(f.p95)} vs ${fmt(f.memoryP95)} ms = ${fmt(f.ratioP95, 2)}x; p99 ${fmt(f.p99)} vs ${fmt(f.memoryP99)} ms = ${fmt(f.ratioP99, 2)}x`
      + `; p50 ${f.addedP50Ms >= 0 ? '+' : ''}${fmt(f.addedP50Ms)} ms`);
  console.log(`\n${STORE} store vs in-memory store, same run, messages taking turns (${cmp.processInboundLatencyMs.samples} each):`);
  line('processInbound', cmp.processInboundLatencyMs, STORE_TARGET);
  line('delivery', cmp.deliveryLatencyMs);
  console.log(`  (in-memory RoomKit vs the floor in this run: p50 ${fmt(cmp.memoryVsFloorP50, 2)}x)`);
}

const roundCpu = (c: RateSample['cpuMsPerMsg']) => ({ process: round(c.process, 2), ...(c.server !== undefined && { server: round(c.server, 2) }) });

function rateFigure(project: RateSample, floor: RateSample, all: Record<string, RateSample[]>) {
  return {
    msgPerSec: round(project.msgPerSec), floorMsgPerSec: round(floor.msgPerSec), ratio: round(project.msgPerSec / floor.msgPerSec, 2),
    messages: project.messages, errors: project.errors + floor.errors,
    cpuMsPerMsg: { roomkit: roundCpu(project.cpuMsPerMsg), floor: roundCpu(floor.cpuMsPerMsg) },
    callLatencyMs: {
      roomkit: { p50: round(project.latencyMs.p50), p99: round(project.latencyMs.p99) },
      floor: { p50: round(floor.latencyMs.p50), p99: round(floor.latencyMs.p99) },
    },
    rounds: { roomkit: all.roomkit.map((s) => round(s.msgPerSec)), floor: all.floor.map((s) => round(s.msgPerSec)) },
  };
}

type Report = {
  machine: { cpus: number; cpuModel: string; memGB: number; node: string; temporalCli: string };
  config: typeof config & { workers: { maxCachedWorkflows: number } };
  results: {
    processInboundLatencyMs: ReturnType<typeof latencyFigure>;
    deliveryLatencyMs: ReturnType<typeof latencyFigure>;
    throughput100x20: ReturnType<typeof rateFigure>;
    hotRoom: ReturnType<typeof rateFigure>;
    heapPerCachedRoomKB: { kb: number; floorKB: number; ratio: number; rooms: number };
  };
};

function printTable({ machine: m, config: c, results: r }: Report): void {
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const rows: string[][] = [['figure', 'RoomKit', 'floor', 'ratio', 'target', '']];
  const lat = (label: string, f: ReturnType<typeof latencyFigure>) => {
    rows.push([`${label} p50 (ms)`, fmt(f.p50), fmt(f.floorP50), `${fmt(f.ratioP50, 2)}x`, '<=1.5x', mark(f.ratioP50 <= 1.5)]);
    rows.push([`${label} p95 (ms)`, fmt(f.p95), fmt(f.floorP95), `${fmt(f.ratioP95, 2)}x`, '', '']);
    rows.push([`${label} p99 (ms)`, fmt(f.p99), fmt(f.floorP99), `${fmt(f.ratioP99, 2)}x`, '', '']);
  };
  lat('processInbound', r.processInboundLatencyMs);
  lat('delivery', r.deliveryLatencyMs);
  const tp = r.throughput100x20;
  rows.push([`throughput ${c.throughput.rooms}x${c.throughput.messagesPerRoom}, ${c.throughput.concurrency} in flight (msg/s)`,
    fmt(tp.msgPerSec), fmt(tp.floorMsgPerSec), `${fmt(tp.ratio, 2)}x`, '>=0.7x', mark(tp.ratio >= 0.7)]);
  const cpu = (label: string, f: ReturnType<typeof rateFigure>, key: 'process' | 'server') => {
    const a = f.cpuMsPerMsg.roomkit[key], b = f.cpuMsPerMsg.floor[key];
    if (a !== undefined && b !== undefined) rows.push([`  CPU ms/msg, ${label}`, fmt(a, 2), fmt(b, 2), `${fmt(a / b, 2)}x`, '', '']);
  };
  cpu('node process', tp, 'process');
  cpu('Temporal server', tp, 'server');
  const hot = r.hotRoom;
  rows.push([`hot room, ${c.hotRoom.senders} senders (msg/s)`, fmt(hot.msgPerSec), fmt(hot.floorMsgPerSec), `${fmt(hot.ratio, 2)}x`,
    `>=${HOT_ROOM_TARGET} msg/s`, mark(hot.msgPerSec >= HOT_ROOM_TARGET)]);
  const heap = r.heapPerCachedRoomKB;
  cpu('node process', hot, 'process');
  cpu('Temporal server', hot, 'server');
  rows.push([`heap per cached room (KB, n=${heap.rooms})`, fmt(heap.kb), fmt(heap.floorKB), `${fmt(heap.ratio, 2)}x`, '', '']);
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  console.log(`\nRoomKit benchmark (${c.quick ? 'quick smoke run' : 'full run'}, ${STORE} store): ${m.cpus} x ${m.cpuModel}, ${m.memGB} GB, node ${m.node}, ${m.temporalCli}`);
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('latency: lower is better; throughput and hot room: higher is better; ratio = RoomKit / floor');
  console.log(`main workers' maxCachedWorkflows = ${c.workers.maxCachedWorkflows} (SDK default); heap phase: debugMode worker, cache ${heap.rooms}+ rooms`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
