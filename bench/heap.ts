/**
 * `npm run bench:heap`: worker heap per cached room (issue «outside checks» item 7), at 1 and at 200
 * messages per room by default (`BENCH_HEAP_MESSAGES`; `BENCH_HEAP_SAVE=1` writes `heapGrowth` to results.json) (`npm run bench` measures 2). A `debugMode` worker
 * runs workflows in the main isolate so `process.memoryUsage().heapUsed` sees them; the store keeps
 * rooms only and the provider forgets what it sent, so the delta is the workflow cache. Prints JSON; `bench/README.md` records the figures.
 */
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { ChannelBinding, Participant, RoomEvent } from '../src/models/index.js';
import type { DeliveryRecord } from '../src/store/conversation-store.js';
import {
  InMemoryStore, MockSMSProvider, RoomKit, SMSChannel, WORKFLOWS_PATH, ensureTemporalServer,
} from '../src/index.js';
import { parseTemporalConfig } from '../src/temporal/index.js';
import { fileURLToPath } from 'node:url';
import { gcFunction, pool, round, settledMemory, sleep } from './lib.js';
import { saveSection } from './results-file.js';

const ROOMS = Number(process.env.BENCH_HEAP_ROOMS ?? 60);
/** Messages per room of each measurement (`BENCH_HEAP_MESSAGES=1,50,200,400`): flat means bounded. */
const MESSAGES = (process.env.BENCH_HEAP_MESSAGES ?? '1,200').split(',').map(Number);
if (MESSAGES.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_HEAP_MESSAGES must list positive integers, got ${process.env.BENCH_HEAP_MESSAGES}`);
const SENDER = '+15550000001';
const RECIPIENT = '+15550000002';
const log = (m: string): void => console.error(`[bench:heap] ${m}`);

/** Keeps rooms (deliveries read them) and drops everything else, delivery records included. */
class RoomsOnlyStore extends InMemoryStore {
  override async putEvents(_events: RoomEvent[]): Promise<void> {}
  override async putBinding(_binding: ChannelBinding): Promise<void> {}
  override async putParticipant(_participant: Participant): Promise<void> {}
  override async recordDelivery(_delivery: DeliveryRecord): Promise<void> {}
}

/** The mock provider without its record of every call (a copy of each event sent). */
class ForgetfulSMSProvider extends MockSMSProvider {
  override async send(...args: Parameters<MockSMSProvider['send']>): ReturnType<MockSMSProvider['send']> {
    const result = await super.send(...args);
    this.calls.length = 0;
    return result;
  }
}

const server = await ensureTemporalServer(parseTemporalConfig({}), { log });
const { gc, source } = gcFunction();
const results: Record<string, unknown> = { rooms: ROOMS, gc: source };
try {
  {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
    for (const messages of MESSAGES) {
      const kit = new RoomKit({
        store: new RoomsOnlyStore(),
        temporal: { address: server.address, namespace: server.namespace, taskQueue: `bench-heap-${messages}-${Date.now()}` },
        log,
      });
      kit.registerChannel(new SMSChannel('sms-in'));
      kit.registerChannel(new SMSChannel('sms-out', { provider: new ForgetfulSMSProvider(), fromNumber: SENDER }));
      await kit.start({ workflowBundle: { code }, workerOptions: { debugMode: true, maxCachedWorkflows: ROOMS + 20 } });
      const use = async (roomId: string): Promise<void> => {
        await kit.createRoom({ roomId });
        await kit.attachChannel(roomId, 'sms-in', { metadata: { phoneNumber: SENDER } });
        await kit.attachChannel(roomId, 'sms-out', { metadata: { phoneNumber: RECIPIENT } });
        for (let m = 0; m < messages; m++) {
          await kit.processInbound({ channelId: 'sms-in', senderId: SENDER, content: { type: 'text', body: `message ${m}` } }, { roomId, wait: 'committed' });
        }
      };
      const prefix = `heap-${messages}-${Date.now()}`;
      for (let i = 0; i < 3; i++) await use(`${prefix}-warm-${i}`);
      await sleep(300);
      const before = await settledMemory(gc);
      const out = await pool(ROOMS, messages > 1 ? 10 : 20, (i) => use(`${prefix}-${i}`));
      if (out.errors) throw new Error(`${out.errors} rooms failed: ${String(out.firstError)}`);
      await sleep(1000);
      const after = await settledMemory(gc);
      const kb = round((after.heapUsed - before.heapUsed) / 1024 / ROOMS);
      results[`kbPerRoomAt${messages}Messages`] = kb;
      log(`${messages} message(s) per room: ${kb} KB per cached room`);
      await kit.close();
    }
  }
} finally {
  await server.stop();
}
console.log(JSON.stringify(results, null, 2));
if (process.env.BENCH_HEAP_SAVE === '1') {
  const file = fileURLToPath(new URL('./results.json', import.meta.url));
  await saveSection(file, 'heapGrowth', { date: new Date().toISOString(), messages: MESSAGES, ...results }, log);
  log(`written to ${file} (heapGrowth)`);
}
