/**
 * A worker process for crash tests (killed with SIGKILL mid-work by the test). Its AI calls the
 * `slow_job` tool once, then answers; the tool logs each execution and waits for a release file.
 * Env: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, ROOMKIT_DB, MARKER_DIR, WORKFLOW_BUNDLE.
 */
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { AIChannel, RoomKit, SQLiteStore, WebSocketChannel, type AIContext, type AIProvider, type AIResponse } from '../../src/index.js';

const env = process.env as Record<string, string>;
// Resolved when the tool runs: the test process imports this module only for `defineCrashKit`.
const runs = () => path.join(env.MARKER_DIR, 'runs');
const release = () => path.join(env.MARKER_DIR, 'release');

/** Decides from the conversation, not from a call counter: a restarted worker must behave the same. */
class ToolThenAnswer implements AIProvider {
  readonly name = 'scripted';
  readonly modelName = 'scripted';
  readonly supportsVision = false;
  async generate(ctx: AIContext): Promise<AIResponse> {
    if (ctx.messages.at(-1)?.role === 'tool') return { content: 'The slow job finished.' };
    return { content: '', toolCalls: [{ id: 'job-1', name: 'slow_job', arguments: {} }] };
  }
}

export function defineCrashKit(kit: RoomKit): void {
  kit.registerChannel(new WebSocketChannel('ws'));
  kit.registerChannel(new AIChannel('ai', { provider: new ToolThenAnswer(), tools: ['slow_job'] }));
  kit.tool({
    name: 'slow_job',
    description: 'A job that takes until the test releases it',
    parameters: { type: 'object', properties: {} },
    handler: async () => {
      appendFileSync(runs(), `start ${process.pid}\n`);
      while (!existsSync(release())) await new Promise((r) => setTimeout(r, 100));
      appendFileSync(runs(), `end ${process.pid}\n`);
      return 'done';
    },
  });
}

if (process.argv[1]?.endsWith('crash-worker.ts')) {
  const kit = new RoomKit({ store: new SQLiteStore(env.ROOMKIT_DB), temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, log: () => {} });
  defineCrashKit(kit);
  console.log('worker ready');
  await kit.runWorker({ workflowBundle: { codePath: env.WORKFLOW_BUNDLE } });
}
