/**
 * Durability of a call (issue 12 item 7): the room's worker runs in a child process and is killed
 * (SIGKILL) while it synthesises the spoken answer; a second worker takes over. The caller, on the
 * HTTP process's media plane (`mountVoice` + `kitVoicePort`, play requests over Redis, audio in a
 * shared directory), still gets the answer once: one set of frames, one mark.
 * The worker is tests/support/voice-crash-worker.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RoomKit } from '../../src/index.js';
import { FileAudioStore } from '../../src/voice/index.js';
import { eventually } from '../support/kit.js';
import { WorkerChildren } from '../support/processes.js';
import { CRASH_ANSWER, defineVoiceCrashKit, voiceCrashOptions } from '../support/voice-crash-worker.js';
import { dial, phoneSpeech, receivedMs, silence, startCallServer, textOf } from '../support/voice-call.js';

const workers = new WorkerChildren('tests/support/voice-crash-worker.ts');
afterAll(() => workers.stopAll());

describe('durability: a worker killed while it synthesises a call\'s answer', () => {
  it('a second worker takes over and the caller hears the answer once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-voice-crash-'));
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `voice-crash-${randomUUID()}`,
      ROOMKIT_DB: path.join(dir, 'rooms.db'),
      MARKER_DIR: dir,
      AUDIO_DIR: path.join(dir, 'audio'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `voice-crash-${randomUUID().slice(0, 8)}:`,
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    };
    const client = new RoomKit(await voiceCrashOptions(env));
    const phone = defineVoiceCrashKit(client);
    await client.connect();
    const server = await startCallServer(client, phone, new FileAudioStore(env.AUDIO_DIR));
    const startWorker = () => workers.start(env);
    const ttsLines = async () => (await readFile(path.join(dir, 'tts'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
    try {
      const first = await startWorker();
      const room = `voice-crash-${randomUUID().slice(0, 8)}`;
      await client.createRoom({ roomId: room });
      await client.attachChannel(room, 'agent');
      const call = await dial(server, 'phone', { roomId: room, callerId: '+15557654321' });
      await call.stream(await phoneSpeech('where is my order A one zero zero one'));

      // The first worker transcribed, the agent answered, and the synthesis of the answer started.
      await eventually(async () => (await ttsLines()).includes(`start ${first.pid}`), 90_000);
      await workers.kill(first);
      await writeFile(path.join(dir, 'release'), '');
      const second = await startWorker();

      // The synthesize activity is retried on the second worker (after the heartbeat timeout).
      const mark = await eventually(async () => call.received.find((m) => m.event === 'mark'), 90_000);
      expect(await ttsLines()).toEqual([`start ${first.pid}`, `start ${second.pid}`, `end ${second.pid}`]);
      const events = await client.store.listEvents(room, { limit: 100 });
      const answers = events.filter((e) => e.source.channelId === 'agent');
      expect(answers.map(textOf)).toEqual([CRASH_ANSWER]);
      expect(mark.mark?.name.startsWith(`${answers[0]?.id}#`)).toBe(true);

      // Played to the end, once: nothing more arrives after the mark came back.
      const heard = receivedMs(call);
      expect(heard).toBeGreaterThan(1000);
      await call.stream(silence(heard + 1000));
      expect(call.log).toContain(`echo:${mark.mark?.name}`);
      await new Promise((r) => setTimeout(r, 1500));
      expect(call.received.filter((m) => m.event === 'mark')).toHaveLength(1);
      expect(receivedMs(call)).toBe(heard);
      call.stop();
      await call.closed;
    } finally {
      workers.stopAll('SIGTERM');
      await server.close();
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
