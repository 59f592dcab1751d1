import { describe, expect, it } from 'vitest';
import { RoomKit } from '../../../src/index.js';
import { callAudioFormat, kitVoicePort, VoiceChannel, type PlayRequest } from '../../../src/voice/index.js';
import { makeBinding, makeEvent } from '../../support/factories.js';

const audio = { id: 'a'.repeat(32), format: { encoding: 'mulaw' as const, sampleRate: 8000 }, durationMs: 1000, bytes: 8000 };

describe('kitVoicePort (no server needed)', () => {
  it('binds a Twilio stream in μ-law 8 kHz and a browser in PCM16 16 kHz', () => {
    expect(callAudioFormat({ parameters: { callSid: 'CA1', callerId: '+1555' } })).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(callAudioFormat({ parameters: { callerId: 'web-ann' } })).toEqual({ encoding: 'pcm16', sampleRate: 16000 });
  });

  it('refuses a call for another voice channel before touching the kit', async () => {
    const kit = new RoomKit();
    const phone = new VoiceChannel('phone');
    kit.registerChannel(phone);
    const port = kitVoicePort(kit, phone);
    await expect(port.openSession({ channelId: 'other', sessionId: 'MZ1', callerId: '+1555', parameters: {} })).rejects.toThrow(/serves channel phone, not other/);
  });

  it('hands the session the play requests of its room and channel only, as { eventId, audio, text }', async () => {
    const kit = new RoomKit();
    const phone = new VoiceChannel('phone');
    const desk = new VoiceChannel('desk');
    kit.registerChannel(phone);
    kit.registerChannel(desk);
    const port = kitVoicePort(kit, phone);
    const played: PlayRequest[] = [];
    const stop = await port.onPlay('room-1', 'phone', (p) => void played.push(p));
    const spoken = (id: string) => makeEvent({ id, roomId: 'room-1', metadata: { voice: { audio, text: 'Hello', eventId: id } } });
    await phone.deliver(spoken('e1'), makeBinding({ roomId: 'room-1', channelId: 'phone', channelType: 'voice' }));
    await desk.deliver(spoken('e2'), makeBinding({ roomId: 'room-1', channelId: 'desk', channelType: 'voice' }));
    await phone.deliver(spoken('e3'), makeBinding({ roomId: 'room-2', channelId: 'phone', channelType: 'voice' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(played).toEqual([{ eventId: 'e1', audio, text: 'Hello' }]);
    await stop();
  });
});
