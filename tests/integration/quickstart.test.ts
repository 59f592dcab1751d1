import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

describe('examples/quickstart.ts (the RoomKit README quickstart)', () => {
  it('prints blocked=false and the room history: attach events, the message, the AI answer', async () => {
    const { stdout } = await run('npx', ['tsx', 'examples/quickstart.ts'], {
      env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: `quickstart-${randomUUID()}` },
      timeout: 90_000,
    });
    expect(stdout.trim().split('\n')).toEqual([
      'false',
      '[system] Channel ws-user attached (read_write, all)',
      '[system] Channel ai-bot attached (read_write, all)',
      '[ws-user] Hi',
      '[ai-bot] Hello!',
    ]);
  });
});
