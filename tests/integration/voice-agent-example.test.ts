import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

describe('examples/voice-agent.ts --call (a support agent on the phone, offline engines, no keys)', () => {
  it('phones its own agent: the transcript and the answer are printed, and the answer was heard', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: `voice-agent-${randomUUID()}`,
    };
    for (const key of ['ANTHROPIC_API_KEY', 'DEEPGRAM_API_KEY', 'ELEVENLABS_API_KEY', 'OPENAI_API_KEY', 'TWILIO_AUTH_TOKEN']) delete env[key];
    const { stdout } = await run('npx', ['tsx', 'examples/voice-agent.ts', '--call'], { env, timeout: 150_000 });
    const lines = stdout.trim().split('\n');
    expect(lines.find((l) => l.startsWith('[phone] '))).toMatch(/order/);
    expect(lines).toContain('[support-agent] Your order A1001 has shipped and should arrive on 2026-03-14.');
    const heard = Number(/heard (\d+(?:\.\d+)?) ms/.exec(stdout)?.[1]);
    expect(heard).toBeGreaterThan(1500);
  }, 180_000);
});
