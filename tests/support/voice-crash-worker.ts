/**
 * A worker process for the voice crash test (killed with SIGKILL mid-synthesis by the test): the
 * offline engines, a support agent, and a TTS that logs each start and waits for a release file,
 * so the test knows when the synthesize activity runs. Play requests go out on Redis, audio on a
 * shared directory.
 * Env: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, ROOMKIT_DB, MARKER_DIR, AUDIO_DIR, REDIS_URL,
 * REDIS_PREFIX, WORKFLOW_BUNDLE.
 */
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { AIChannel, MockAIProvider, RoomKit, SQLiteStore, type RoomKitOptions } from '../../src/index.js';
import { createEspeakProvider } from '../../src/providers/espeak/index.js';
import { createPocketsphinxProvider } from '../../src/providers/pocketsphinx/index.js';
import type { SynthesizeOptions, TTSProvider } from '../../src/providers/tts/index.js';
import { RedisRealtime } from '../../src/realtime/index.js';
import { FileAudioStore, VoiceChannel } from '../../src/voice/index.js';

export const CRASH_ANSWER = 'Your order A1001 ships tomorrow';

/** Logs `start <pid>` / `end <pid>` to `<dir>/tts` around each synthesis, which waits for `<dir>/release`. */
class GatedTTS implements TTSProvider {
  readonly name = 'gated-espeak';
  constructor(private readonly inner: TTSProvider, private readonly dir: string) {}

  async synthesize(text: string, options: SynthesizeOptions = {}) {
    appendFileSync(path.join(this.dir, 'tts'), `start ${process.pid}\n`);
    while (!existsSync(path.join(this.dir, 'release'))) {
      if (options.signal?.aborted) throw new Error('aborted');
      await new Promise((r) => setTimeout(r, 50));
    }
    const audio = await this.inner.synthesize(text, options);
    appendFileSync(path.join(this.dir, 'tts'), `end ${process.pid}\n`);
    return audio;
  }
}

type Env = Record<string, string>;

/** Options shared by the worker and the test's client kit (same store, Redis, audio directory). */
export async function voiceCrashOptions(env: Env): Promise<RoomKitOptions> {
  return {
    store: new SQLiteStore(env.ROOMKIT_DB),
    realtime: await RedisRealtime.connect(env.REDIS_URL, { prefix: env.REDIS_PREFIX, log: () => {} }),
    temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE },
    voice: { stt: createPocketsphinxProvider(), tts: new GatedTTS(createEspeakProvider(), env.MARKER_DIR), audioStore: new FileAudioStore(env.AUDIO_DIR) },
    log: () => {},
  };
}

export function defineVoiceCrashKit(kit: RoomKit): VoiceChannel {
  const phone = new VoiceChannel('phone');
  kit.registerChannel(phone);
  kit.registerChannel(new AIChannel('agent', { provider: new MockAIProvider({ responses: [CRASH_ANSWER] }) }));
  return phone;
}

if (process.argv[1]?.endsWith('voice-crash-worker.ts')) {
  const env = process.env as Env;
  const kit = new RoomKit(await voiceCrashOptions(env));
  defineVoiceCrashKit(kit);
  console.log('worker ready');
  await kit.runWorker({ workflowBundle: { codePath: env.WORKFLOW_BUNDLE } });
}
