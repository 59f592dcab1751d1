/**
 * The conversations whose histories are kept as golden files. Each runs through the public API on a
 * live kit and names the room whose workflow history is saved.
 */
import {
  AIChannel, HookResult, InMemoryStore, MockAIProvider, MockSMSProvider, RoomKit, SMSChannel, WebSocketChannel,
} from '../../src/index.js';
import { IdentityHookResult, StoreIdentityResolver } from '../../src/identity/index.js';
import { AesGcmPayloadCodec } from '../../src/encryption.js';
import { MockSTTProvider } from '../../src/providers/stt/mock.js';
import { MockTTSProvider } from '../../src/providers/tts/mock.js';
import { InMemoryAudioStore, VoiceChannel, writeWav } from '../../src/voice/index.js';

export interface Scenario {
  name: string;
  /** The room continues as new during the scenario; its first run is what gets saved. */
  continuesAsNew?: boolean;
  /** Recorded by a kit with `goldenCodec()`: every payload of the saved history is encrypted. */
  encrypted?: boolean;
  run(kit: RoomKit, roomId: string): Promise<void>;
}

/**
 * The fixed test key of encrypted golden histories (never a real key): replay decrypts them with it.
 * A golden history must keep replaying, so this key never changes.
 */
export const GOLDEN_ENCRYPTION_KEYS = 'golden-2026:Z29sZGVuLWhpc3Rvcmllcy10ZXN0LWtleS0zMi1ieXQ=';
export const goldenCodec = (): AesGcmPayloadCodec => AesGcmPayloadCodec.fromSpec(GOLDEN_ENCRYPTION_KEYS);
/** What the encrypted scenario says: replay tests check that the saved history never shows it. */
export const GOLDEN_SECRETS = { text: 'my account number is 4417-1234', phone: '+15559871234' };

/** Channels and hooks every scenario's kit has (replay needs no channels, only the workflow code). */
export function defineKit(kit: RoomKit): void {
  kit.registerChannel(new WebSocketChannel('ws-user'));
  kit.registerChannel(new SMSChannel('sms', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
  kit.registerChannel(new AIChannel('ai-bot', { provider: new MockAIProvider({ responses: ['Hello from the AI'] }) }));
  kit.hook('before_broadcast', { name: 'spam_filter' }, (event) =>
    event.content.type === 'text' && event.content.body.includes('spam') ? HookResult.block('spam detected') : HookResult.allow(),
  );
}

const say = (kit: RoomKit, roomId: string, body: string) =>
  kit.processInbound({ channelId: 'ws-user', senderId: 'user-1', content: { type: 'text', body } }, { roomId });

export const scenarios: Scenario[] = [
  {
    name: 'plain-message',
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
      await say(kit, roomId, 'Hi there');
    },
  },
  {
    name: 'blocked-message',
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
      await say(kit, roomId, 'buy spam now');
      await say(kit, roomId, 'buy spam now');
    },
  },
  {
    name: 'ai-reply',
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'ai-bot');
      await say(kit, roomId, 'Hello AI');
      await kit.mute(roomId, 'ai-bot');
      await say(kit, roomId, 'Are you there?');
    },
  },
  {
    name: 'timer-pause',
    async run(kit, roomId) {
      await kit.createRoom({ roomId, timers: { inactiveAfterSeconds: 1 } });
      await kit.attachChannel(roomId, 'ws-user');
      await say(kit, roomId, 'then silence');
      const deadline = Date.now() + 15_000;
      while ((await kit.getRoom(roomId)).status !== 'paused') {
        if (Date.now() > deadline) throw new Error('room did not pause');
        await new Promise((r) => setTimeout(r, 200));
      }
      await say(kit, roomId, 'back again');
    },
  },
  {
    name: 'local-commits',
    // Recorded after commits became local activities (patch 'local-commits'): markers, not tasks.
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
      await say(kit, roomId, 'Hi there');
      await say(kit, roomId, 'and again');
    },
  },
  {
    name: 'closed-room',
    // The workflow completes once the room is closed (patch 'closed-room-completes').
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await say(kit, roomId, 'last words');
      await kit.closeRoom(roomId);
      await new Promise((r) => setTimeout(r, 1000));
    },
  },
  {
    name: 'rate-limited',
    // Two deliveries to a 1-per-second binding: the second waits on a durable timer.
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' }, rateLimit: { maxPerSecond: 1 } });
      await Promise.all([say(kit, roomId, 'first'), say(kit, roomId, 'second')]);
    },
  },
  {
    name: 'write-behind',
    // Recorded with write-behind commits (patch 'write-behind-commits'): a burst whose commits queue
    // behind one persist and land together (persistBatch), an AI answer re-entering, and a duplicate
    // answered only once its original is durable.
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
      await kit.attachChannel(roomId, 'ai-bot');
      const keyed = (key: string, body: string) =>
        kit.processInbound({ channelId: 'ws-user', senderId: 'user-1', content: { type: 'text', body }, idempotencyKey: key }, { roomId, wait: 'committed' });
      await Promise.all([
        ...Array.from({ length: 3 }, (_, i) => keyed(`burst-${i}`, `burst ${i}`)),
        keyed('burst-0', 'burst 0, sent again'),
      ]);
    },
  },
  {
    name: 'loop-of-steps',
    // Recorded with the command loop of named steps (patch 'loop-of-steps'): a message, an
    // inactivity pause and the message that reopens the room, an AI answer, then close, which
    // completes the workflow.
    async run(kit, roomId) {
      await kit.createRoom({ roomId, timers: { inactiveAfterSeconds: 1 } });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'ai-bot');
      await say(kit, roomId, 'then silence');
      const deadline = Date.now() + 15_000;
      while ((await kit.getRoom(roomId)).status !== 'paused') {
        if (Date.now() > deadline) throw new Error('room did not pause');
        await new Promise((r) => setTimeout(r, 1000)); // each read is an update: poll gently
      }
      await say(kit, roomId, 'back again');
      await kit.closeRoom(roomId);
      await new Promise((r) => setTimeout(r, 1000));
    },
  },
  {
    name: 'worker-hooks',
    // Recorded with worker-owned hooks (patch 'worker-owned-hooks'): the room asks its worker for its
    // manifest at start, a spam message is blocked by the worker's hook, an observer added at run
    // time is learned from a write's answer, and its removal is learned the same way.
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
      await say(kit, roomId, 'buy spam');
      kit.hook('after_broadcast', { name: 'golden-observer', execution: 'async' }, () => undefined);
      await say(kit, roomId, 'observed');
      kit.removeHook('golden-observer');
      await say(kit, roomId, 'not observed');
    },
  },
  {
    name: 'continue-as-new',
    // Recorded on a server that suggests continue-as-new after a few dozen events (see record.ts);
    // the saved history is the first run's, which ends in ContinueAsNew.
    continuesAsNew: true,
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
      for (let i = 0; i < 16; i++) await say(kit, roomId, `message ${i}`);
    },
  },
  {
    name: 'archived-room',
    // An active room archived directly (no close first): the workflow completes once archived.
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await say(kit, roomId, 'last words');
      await kit.archiveRoom(roomId);
      await new Promise((r) => setTimeout(r, 1000));
    },
  },
  {
    name: 'archived-after-close',
    // A closed room (completed workflow) archived: the saved history is the archive's own run,
    // started from the closed run's state (carried input), which archives the room and completes.
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await say(kit, roomId, 'last words');
      await kit.closeRoom(roomId);
      await new Promise((r) => setTimeout(r, 1000));
      await kit.archiveRoom(roomId);
      await new Promise((r) => setTimeout(r, 1000));
    },
  },
  {
    name: 'participants',
    // Participant commands through the queue: joined, updated, identified and left events indexed
    // between messages, an ON_PARTICIPANT_JOINED observer, a no-op update and an ensure (no event).
    async run(kit, roomId) {
      kit.hook('on_participant_joined', { name: 'golden-joined', execution: 'async' }, () => undefined);
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.store.createIdentity({ id: 'golden-identity', displayName: 'Golden Person', channelAddresses: {}, externalIds: {}, metadata: {} });
      await kit.addParticipant(roomId, 'user-1', 'ws-user', { displayName: 'User One' });
      await say(kit, roomId, 'Hello, I joined');
      await kit.updateParticipant(roomId, 'user-1', { role: 'owner' });
      await kit.updateParticipant(roomId, 'user-1', { role: 'owner' });
      await kit.ensureParticipant(roomId, 'guest-1', 'ws-user');
      await kit.resolveParticipant(roomId, 'guest-1', 'golden-identity');
      await kit.removeParticipant(roomId, 'guest-1', { status: 'banned' });
      await say(kit, roomId, 'Bye');
      kit.removeHook('golden-joined');
    },
  },
  {
    name: 'identity',
    // Inbound messages through the identity step (a worker with a StoreIdentityResolver): an
    // identified sender (participant_joined_identified, then a second message), an unknown one.
    async run(kit, roomId) {
      const store = new InMemoryStore();
      await store.createIdentity({ id: 'golden-alice', displayName: 'Alice', phone: '+15551234567', channelAddresses: {}, externalIds: {}, metadata: {} });
      const withIdentity = new RoomKit({
        store, identity: { resolver: new StoreIdentityResolver(store) },
        temporal: { address: kit.temporalAddress, taskQueue: `record-identity-${Date.now()}` }, log: () => {},
      });
      defineKit(withIdentity);
      await withIdentity.start();
      try {
        await withIdentity.createRoom({ roomId });
        const sms = (senderId: string, body: string) =>
          withIdentity.processInbound({ channelId: 'sms', senderId, content: { type: 'text', body } }, { roomId });
        await sms('(555) 123-4567', 'Hi, it is Alice');
        await sms('+15551234567', 'Alice again');
        await sms('+15550001111', 'Someone else');
      } finally {
        await withIdentity.close();
      }
    },
  },
  {
    name: 'identity-challenge',
    // An unknown SMS sender challenged by a SYNC ON_IDENTITY_UNKNOWN hook: the challenge is stored
    // and sent back on SMS (patch identity-challenges), the message refused; then a known sender.
    async run(kit, roomId) {
      const store = new InMemoryStore();
      await store.createIdentity({ id: 'golden-alice', displayName: 'Alice', phone: '+15551234567', channelAddresses: {}, externalIds: {}, metadata: {} });
      const withIdentity = new RoomKit({
        store, identity: { resolver: new StoreIdentityResolver(store) },
        temporal: { address: kit.temporalAddress, taskQueue: `record-identity-challenge-${Date.now()}` }, log: () => {},
      });
      defineKit(withIdentity);
      withIdentity.hook('on_identity_unknown', { name: 'golden-challenge' }, () => IdentityHookResult.challenge({
        inject: { content: { type: 'text', body: 'Reply with your PIN' }, targetChannelIds: ['sms'] }, message: 'pin_sent',
      }));
      await withIdentity.start();
      try {
        await withIdentity.createRoom({ roomId });
        const sms = (senderId: string, body: string) =>
          withIdentity.processInbound({ channelId: 'sms', senderId, content: { type: 'text', body } }, { roomId });
        await sms('+15550001111', 'Let me in');
        await sms('+15551234567', 'Alice here');
      } finally {
        await withIdentity.close();
      }
    },
  },
  {
    name: 'voice',
    // A call (RoomKit §19.1, room side) on a worker with the voice option (mock STT/TTS): an utterance
    // transcribed into the room and answered by the AI, the answer spoken to the voice binding and
    // texted to SMS, then a barge-in over it. Recorded before early speech: the synthesis follows the
    // answer's persist.
    run: voiceCall,
  },
  {
    name: 'early-speech',
    // The same call, recorded with the `early-speech` patch: the answer's synthesis is scheduled
    // beside the persist that writes it.
    run: voiceCall,
  },
  {
    name: 'stt-off-lock',
    // The same call, recorded with the `stt-off-lock` patch too: the utterance's transcription runs
    // off the room lock and its transcript enters the room when it comes back.
    run: voiceCall,
  },
  {
    name: 'bounded-scopes',
    // Recorded with the room's work in one non-cancellable scope per run (patch 'bounded-scopes'):
    // concurrent messages whose commits, AI answers and deliveries interleave, a signal, then close,
    // which completes the workflow.
    async run(kit, roomId) {
      await kit.createRoom({ roomId });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'ai-bot');
      await Promise.all(Array.from({ length: 2 }, (_, i) => say(kit, roomId, `burst ${i}`)));
      await kit.signalInbound({ channelId: 'ws-user', senderId: 'user-1', content: { type: 'text', body: 'by signal' } }, { roomId });
      await kit.closeRoom(roomId);
      await new Promise((r) => setTimeout(r, 1000));
    },
  },
  {
    name: 'encrypted-message',
    // Recorded with payloads encrypted (AesGcmPayloadCodec, GOLDEN_ENCRYPTION_KEYS): replayed with the codec.
    encrypted: true,
    async run(kit, roomId) {
      await kit.createRoom({ roomId, metadata: { customer: 'golden' } });
      await kit.attachChannel(roomId, 'ws-user');
      await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: GOLDEN_SECRETS.phone } });
      await say(kit, roomId, GOLDEN_SECRETS.text);
      await kit.roomState(roomId);
    },
  },
];

/** The `voice`, `early-speech` and `stt-off-lock` scenarios. */
async function voiceCall(kit: RoomKit, roomId: string): Promise<void> {
  const audioStore = new InMemoryAudioStore();
  const withVoice = new RoomKit({
    voice: { stt: new MockSTTProvider({ transcript: { text: 'where is my order', confidence: 0.9 } }), tts: new MockTTSProvider(), audioStore },
    temporal: { address: kit.temporalAddress, taskQueue: `record-voice-${Date.now()}` }, log: () => {},
  });
  defineKit(withVoice);
  withVoice.registerChannel(new VoiceChannel('phone'));
  await withVoice.start();
  try {
    await withVoice.createRoom({ roomId });
    await withVoice.attachChannel(roomId, 'phone');
    await withVoice.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
    await withVoice.attachChannel(roomId, 'ai-bot');
    const audio = await audioStore.put(writeWav(new Int16Array(8000), 16000), { encoding: 'wav', sampleRate: 16000 });
    const ended = Date.now();
    await withVoice.sendUtterance(roomId, {
      channelId: 'phone', sessionId: 'golden-call', senderId: '+15557654321', audio, speechStartedAt: ended - 500, speechEndedAt: ended,
    });
    const answer = (await withVoice.store.listEvents(roomId)).find((e) => e.source.channelId === 'ai-bot');
    if (!answer) throw new Error('voice: the AI did not answer');
    await withVoice.bargeIn(roomId, { channelId: 'phone', sessionId: 'golden-call', eventId: answer.id, playedMs: 300 });
  } finally {
    await withVoice.close();
  }
}
