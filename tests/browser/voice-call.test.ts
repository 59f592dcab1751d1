/**
 * The chat page's Call button in a real browser (Debian's chromium, playwright-core) against the
 * real voice routes: chromium's fake microphone plays espeak-ng speech from a WAV file, the page's
 * AudioWorklet streams it as PCM16 16 kHz, the media plane cuts an utterance; an answer played by
 * the room comes back down, is scheduled by the page, and its mark is echoed once played.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatPageRouter } from '../../src/server/chat-page.js';
import { InMemoryAudioStore } from '../../src/voice/audio-store.js';
import { decodeAudio, writeWav } from '../../src/voice/audio.js';
import { mountVoice, type VoiceStreams } from '../../src/voice/mount.js';
import type { VoiceSession } from '../../src/voice/session.js';
import { concat, silence, TestVoicePort } from '../support/voice.js';
import { speak } from '../support/voice-server.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe.skipIf(!CHROMIUM)('chat page call button', () => {
  let browser: Browser;
  let server: http.Server;
  let voice: VoiceStreams;
  let dir: string;
  let origin: string;
  const port = new TestVoicePort();
  const audioStore = new InMemoryAudioStore();
  const sessions: VoiceSession[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-voice-call-'));
    const speech = decodeAudio(await speak('Where is my order please'), { encoding: 'wav', sampleRate: 22_050 });
    const mic = path.join(dir, 'mic.wav');
    await writeFile(mic, writeWav(concat(silence(1500, speech.sampleRate), speech.samples, silence(3000, speech.sampleRate)), speech.sampleRate));
    const app = express();
    server = http.createServer(app);
    app.use(chatPageRouter({ wsPath: '/ws', roomId: 'room-web', voicePath: '/voice/browser/voice/stream' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The page also opens the chat socket (/ws), not served here: the upgrade dispatcher refuses it
    // at once (chromium queues other sockets to a host behind a pending handshake).
    voice = mountVoice(app, server, { port, audioStore, channelId: 'voice', transports: ['browser'], onSession: (s) => sessions.push(s) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required',
        '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic}%noloop`,
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await voice?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('streams the microphone to the room as an utterance and plays the answer back to its mark', async () => {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    await page.goto(`${origin}/?room=room-web`);
    await page.click('#call');
    await vi.waitFor(() => expect(port.opened).toHaveLength(1), { timeout: 20_000, interval: 100 });
    expect(port.opened[0]).toMatchObject({ channelId: 'voice', parameters: { roomId: 'room-web' } });
    await vi.waitFor(() => expect(port.utterances.length).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 100 });
    const u = port.utterances[0];
    expect(u.audio.format).toEqual({ encoding: 'pcm16', sampleRate: 16_000 });
    expect(u.audio.durationMs).toBeGreaterThan(800);
    expect(u.audio.durationMs).toBeLessThan(2500);

    const answer = await speak('It ships today.');
    const audio = await audioStore.put(answer, { encoding: 'wav', sampleRate: 22_050 });
    port.play('room-web', 'voice', { eventId: 'ev-1', audio, text: 'It ships today.' });
    await vi.waitFor(() => expect(sessions[0].playing).toBe('ev-1'), { timeout: 10_000, interval: 20 });
    // The page echoes the mark once the clip has played; the session is then free for the next one.
    await vi.waitFor(() => expect(sessions[0].playing).toBeUndefined(), { timeout: 15_000, interval: 50 });
    expect(port.bargeIns).toHaveLength(0);
    expect(await page.textContent('#call-status')).toBe('on call');

    await page.click('#call');
    await vi.waitFor(() => expect(port.closed).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(port.closed[0].reason).toBe('caller hung up');
    expect(logs.filter((l) => l.includes('[voice]'))).toEqual([]);
  }, 90_000);
});
