/**
 * A worker process for the conversation crash tests (tests/integration/durability-crash.test.ts),
 * killed with SIGKILL mid-work by the test. Its channels:
 * - `ws`: a WebSocket channel (the users' side, no connections);
 * - `sms`: an SMS channel whose provider appends `send <pid> <eventId> <idempotencyKey>` to the
 *   `sends` marker file, blocks until the `release` file exists, then appends `sent …` and succeeds;
 * - `ai`: an AI channel whose provider appends `generate <pid> <eventId>` to `generations`, blocks
 *   until `release` exists, appends `generated …` and answers `Answer to: <the user's text>`.
 * Both decide from their input only (no counters), so a restarted worker behaves the same.
 * Env: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, ROOMKIT_DB, MARKER_DIR, WORKFLOW_BUNDLE.
 */
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
  AIChannel, RoomKit, SMSChannel, SQLiteStore, WebSocketChannel,
  type AIContext, type AIProvider, type AIResponse, type ProviderResult, type RoomEvent, type SMSProvider, type SMSSendOptions,
} from '../../src/index.js';

const env = process.env as Record<string, string>;
// Resolved when used: the test process imports this module only for `defineCrashRoomKit`.
const marker = (name: string) => path.join(env.MARKER_DIR, name);
const released = async (): Promise<void> => {
  while (!existsSync(marker('release'))) await new Promise((r) => setTimeout(r, 100));
};

class BlockingSMS implements SMSProvider {
  readonly name = 'blocking-sms';
  async send(event: RoomEvent, options: SMSSendOptions): Promise<ProviderResult> {
    const line = `${process.pid} ${event.id} ${options.idempotencyKey ?? '-'}`;
    appendFileSync(marker('sends'), `send ${line}\n`);
    await released();
    appendFileSync(marker('sends'), `sent ${line}\n`);
    return { success: true, providerMessageId: `sms-${event.id}` };
  }
}

function text(content: AIContext['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  return content.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join('');
}

class BlockingAI implements AIProvider {
  readonly name = 'blocking-ai';
  readonly modelName = 'blocking-ai';
  readonly supportsVision = false;
  async generate(ctx: AIContext): Promise<AIResponse> {
    const line = `${process.pid} ${String(ctx.metadata?.eventId)}`;
    appendFileSync(marker('generations'), `generate ${line}\n`);
    await released();
    appendFileSync(marker('generations'), `generated ${line}\n`);
    return { content: `Answer to: ${text(ctx.messages.at(-1)?.content ?? '')}` };
  }
}

export function defineCrashRoomKit(kit: RoomKit): void {
  kit.registerChannel(new WebSocketChannel('ws'));
  kit.registerChannel(new SMSChannel('sms', { provider: new BlockingSMS() }));
  kit.registerChannel(new AIChannel('ai', { provider: new BlockingAI() }));
}

if (process.argv[1]?.endsWith('crash-room-worker.ts')) {
  const kit = new RoomKit({ store: new SQLiteStore(env.ROOMKIT_DB), temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, log: () => {} });
  defineCrashRoomKit(kit);
  console.log('worker ready');
  await kit.runWorker({ workflowBundle: { codePath: env.WORKFLOW_BUNDLE } });
}
