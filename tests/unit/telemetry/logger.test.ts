import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { activityLogger, createLogger, kitLog, temporalLogFunction, temporalLogLevel } from '../../../src/telemetry/index.js';

/** A logger writing to memory; `lines()` parses what it wrote. */
function memoryLogger(level: 'info' | 'debug' = 'info') {
  const chunks: string[] = [];
  const destination = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  const logger = createLogger({ level, destination });
  const lines = (): Record<string, unknown>[] => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

describe('structured logs', () => {
  it('an activity log line is JSON with roomId, workflowId, runId, index, activity type and attempt', async () => {
    const { logger, lines } = memoryLogger();
    const env = new MockActivityEnvironment({
      activityType: 'deliver', attempt: 3,
      workflowExecution: { workflowId: 'room:r-42', runId: 'run-7' },
    });
    await env.run(async () => activityLogger(logger, { index: 12 }).info({ channelId: 'sms' }, 'delivered'));
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'info', msg: 'delivered', roomId: 'r-42', workflowId: 'room:r-42', runId: 'run-7', index: 12,
      activityType: 'deliver', attempt: 3, channelId: 'sms',
    });
    expect(typeof line.time).toBe('string');
  });

  it('outside an activity only the given fields are bound', () => {
    const { logger, lines } = memoryLogger();
    activityLogger(logger, { roomId: 'r1', index: 0 }).warn('x');
    expect(lines()[0]).toMatchObject({ level: 'warn', roomId: 'r1', index: 0, msg: 'x' });
    expect(lines()[0]).not.toHaveProperty('workflowId');
  });

  it('message bodies, Authorization headers, tokens and API keys are redacted', () => {
    const { logger, lines } = memoryLogger();
    logger.info({
      roomId: 'r1',
      body: 'my card is 4111 1111 1111 1111',
      content: { type: 'text', body: 'secret message' },
      event: { index: 3, content: { type: 'text', body: 'another secret' } },
      headers: { authorization: 'Bearer sk-live-abc', 'x-api-key': 'key-123', accept: 'json' },
      Authorization: 'Bearer sk-live-def',
      apiKey: 'key-456', token: 'tok-789',
    }, 'inbound');
    const raw = JSON.stringify(lines());
    for (const secret of ['4111', 'secret message', 'another secret', 'sk-live', 'key-123', 'key-456', 'tok-789']) {
      expect(raw).not.toContain(secret);
    }
    const [line] = lines();
    expect(line).toMatchObject({
      roomId: 'r1', body: '[redacted]', content: { type: 'text', body: '[redacted]' },
      event: { index: 3, content: { body: '[redacted]' } },
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', accept: 'json' },
      Authorization: '[redacted]', apiKey: '[redacted]', token: '[redacted]',
    });
  });

  it('the Temporal SDK entries become pino lines with runId and roomId, never the task token', () => {
    const { logger, lines } = memoryLogger();
    const log = temporalLogFunction(logger);
    log({ level: 'WARN', message: 'store read failed; trying again', meta: {
      workflowId: 'room:abc', workflowRunId: 'run-1', activityType: 'persistEvent', attempt: 2, taskToken: 'AAAA', index: 5,
    } });
    log({ level: 'ERROR', message: 'room command failed unexpectedly', meta: { workflowId: 'room:abc', runId: 'run-2', roomId: 'abc' } });
    log({ level: 'DEBUG', message: 'dropped at info' });
    const [a, w, ...rest] = lines();
    expect(a).toMatchObject({ level: 'warn', roomId: 'abc', workflowId: 'room:abc', runId: 'run-1', activityType: 'persistEvent', attempt: 2, index: 5 });
    expect(a).not.toHaveProperty('taskToken');
    expect(w).toMatchObject({ level: 'error', roomId: 'abc', runId: 'run-2', msg: 'room command failed unexpectedly' });
    expect(rest).toEqual([]);
    expect(temporalLogLevel('debug')).toBe('DEBUG');
    expect(temporalLogLevel('silent')).toBe('ERROR');
  });

  it('kitLog turns the kit\'s warnings into warn lines', () => {
    const { logger, lines } = memoryLogger();
    kitLog(logger)('room r1 is wedged');
    expect(lines()[0]).toMatchObject({ level: 'warn', component: 'roomkit', msg: 'room r1 is wedged' });
  });
});
