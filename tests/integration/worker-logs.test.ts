/** `npm run worker` writes the Temporal SDK's logs as JSON lines through pino (README «Logs»). */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/kit.js';
import { signalGroup, spawnTsx } from '../support/processes.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) signalGroup(c, 'SIGKILL');
});

describe('worker process logs', () => {
  it('the SDK\'s worker logs come out as JSON lines with the service and task queue', async () => {
    const taskQueue = `logs-${randomUUID()}`;
    const child = spawnTsx('workers/worker.ts', {
      TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: taskQueue, ANTHROPIC_API_KEY: '',
      ROOMKIT_STORE: inject('postgresUrl'), ROOMKIT_STORE_SCHEMA: `logs_${randomUUID().slice(0, 8)}`,
      ROOMKIT_REDIS_URL: inject('redisUrl'), ROOMKIT_REDIS_PREFIX: `logs-${randomUUID().slice(0, 8)}:`,
      ROOMKIT_LOG_LEVEL: 'info',
    });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    const jsonLines = (): Record<string, unknown>[] => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = await eventually(async () => jsonLines().find((l) => l.taskQueue === taskQueue && l.level === 'info'), 60_000);
    expect(line).toMatchObject({ service: 'worker', taskQueue });
    expect(typeof line.msg).toBe('string');
    expect(typeof line.time).toBe('string');
  }, 90_000);
});
