import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AIChannel, ChannelAlreadyRegisteredError, HookAlreadyRegisteredError, HookResult, KitNotStartedError, MockAIProvider,
  RoomKit, RoomKitError, RoomKitValidationError, WebSocketChannel,
} from '../../../src/index.js';
import { MockTTSProvider } from '../../../src/providers/tts/mock.js';
import { InMemoryAudioStore, type AudioStore } from '../../../src/voice/index.js';

describe('RoomKit registries and lifecycle (no server needed)', () => {
  it('refuses a second channel with the same id', () => {
    const kit = new RoomKit();
    kit.registerChannel(new WebSocketChannel('ws'));
    expect(() => kit.registerChannel(new WebSocketChannel('ws'))).toThrow(ChannelAlreadyRegisteredError);
  });

  it('names hooks after their function, keeps default names unique and refuses a duplicate explicit name', () => {
    const kit = new RoomKit();
    const filter = () => HookResult.allow();
    expect(kit.hook('before_broadcast', filter).name).toBe('filter');
    expect(kit.hook('before_broadcast', filter).name).toBe('filter#2');
    kit.hook('before_broadcast', { name: 'audit' }, filter);
    expect(() => kit.hook('after_broadcast', { name: 'audit' }, filter)).toThrow(HookAlreadyRegisteredError);
  });

  it('sends its hooks, listened framework events and limits to rooms in the manifest', () => {
    const kit = new RoomKit({ maxChainDepth: 3, idempotencyWindow: 10 });
    kit.hook('before_broadcast', { name: 'h', priority: 2, timeout: 1.5, channelTypes: ['sms'] }, () => HookResult.allow());
    kit.on('event_blocked', () => {});
    expect(kit.manifest()).toEqual({
      hooks: [{ name: 'h', trigger: 'before_broadcast', execution: 'sync', priority: 2, timeoutMs: 1500, channelTypes: ['sms'] }],
      listens: ['event_blocked'],
      maxChainDepth: 3,
      idempotencyWindow: 10,
    });
  });

  it('refuses bad kit options', () => {
    expect(() => new RoomKit({ maxChainDepth: 0 })).toThrow(RoomKitError);
    expect(() => new RoomKit({ idempotencyWindow: 1.5 })).toThrow(RoomKitError);
    // More than the manifest each command carries may hold: refused here, not on the first message.
    expect(() => new RoomKit({ idempotencyWindow: 200_000 })).toThrow(/idempotencyWindow/);
  });

  it('refuses a tool with a bad name or a duplicate name', () => {
    const kit = new RoomKit();
    const def = { name: 'lookup', description: 'x', parameters: z.object({}), handler: () => 'ok' };
    kit.tool(def);
    expect(() => kit.tool(def)).toThrow(/already registered/);
    expect(() => kit.tool({ ...def, name: 'has space' })).toThrow();
  });

  it('room verbs before start() say what to do', async () => {
    const kit = new RoomKit();
    await expect(kit.createRoom({ roomId: 'r' })).rejects.toBeInstanceOf(KitNotStartedError);
    await expect(kit.getRoom('r')).rejects.toThrow(/kit.start\(\)/);
  });

  it('close() is idempotent and closes channels once', async () => {
    const provider = new MockAIProvider();
    let closes = 0;
    provider.close = async () => { closes += 1; };
    const kit = new RoomKit();
    kit.registerChannel(new AIChannel('ai', { provider }));
    await kit.close();
    await kit.close();
    expect(closes).toBe(1);
    await expect(kit.start()).rejects.toThrow(/closed/);
  });
});

describe('the voice option is checked when the kit is made', () => {
  const tts = new MockTTSProvider();
  const noPrune: AudioStore = {
    put: async () => { throw new Error('unused'); }, get: async () => new Uint8Array(), delete: async () => {},
  };

  it('names what is missing or wrong', () => {
    expect(() => new RoomKit({ voice: { tts, audioStore: undefined as unknown as AudioStore } })).toThrow(/voice.audioStore must be an AudioStore/);
    expect(() => new RoomKit({ voice: { audioStore: new InMemoryAudioStore() } })).toThrow(/voice needs an stt or a tts provider/);
  });

  it('refuses a retention under ten minutes, naming the field, and one its store cannot prune', () => {
    let error: unknown;
    try {
      new RoomKit({ voice: { tts, audioStore: new InMemoryAudioStore(), retention: { maxAgeMs: 1_000 } } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RoomKitValidationError);
    expect((error as RoomKitValidationError).field).toBe('voice.retention.maxAgeMs');
    expect(() => new RoomKit({ voice: { tts, audioStore: noPrune, retention: { maxAgeMs: 3_600_000 } } })).toThrow(/prune/);
    expect(() => new RoomKit({ voice: { tts, audioStore: new InMemoryAudioStore(), retention: { maxAgeMs: 3_600_000 } } })).not.toThrow();
  });
});
