import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

describe('examples/support-agent.ts (an AI support agent with a tool, no API key)', () => {
  it('prints the question, the lookup_order call with its real result, and the answer', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: `support-agent-${randomUUID()}`,
    };
    delete env.ANTHROPIC_API_KEY;
    delete env.ANTHROPIC_MODEL;
    const { stdout } = await run('npx', ['tsx', 'examples/support-agent.ts'], { env, timeout: 90_000 });
    expect(stdout.trim().split('\n')).toEqual([
      '[system] Channel ws-user attached (read_write, all)',
      '[system] Channel support-agent attached (read_write, all)',
      '[ws-user] Where is my order A1001?',
      '[support-agent] tool lookup_order({"order_id":"A1001"}) ...',
      '[support-agent] tool lookup_order({"order_id":"A1001"}) -> {"order_id":"A1001","status":"shipped","eta":"2026-03-14"}',
      '[support-agent] Your order A1001 has shipped and should arrive on 2026-03-14.',
    ]);
  });
});
