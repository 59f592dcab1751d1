import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeWav } from '../../../src/voice/audio.js';
import { FileAudioStore, InMemoryAudioStore, type AudioStore } from '../../../src/voice/audio-store.js';
import { AudioNotFoundError, InvalidAudioRefError } from '../../../src/voice/errors.js';
import { MIN_AUDIO_RETENTION_MS, retainAudio, sweepWhile } from '../../../src/voice/audio-retention.js';
import { RoomKitValidationError } from '../../../src/errors.js';

const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

const stores: [string, () => Promise<AudioStore>][] = [
  ['FileAudioStore', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'audio-store-'));
    dirs.push(dir);
    return new FileAudioStore(path.join(dir, 'clips'));
  }],
  ['InMemoryAudioStore', async () => new InMemoryAudioStore()],
];

describe.each(stores)('%s', (_name, make) => {
  it('stores bytes and returns a ref with format, duration and size', async () => {
    const store = await make();
    const wav = writeWav(new Int16Array(22050), 22050);
    const ref = await store.put(wav, { encoding: 'wav', sampleRate: 8000 });
    expect(ref).toMatchObject({ format: { encoding: 'wav', sampleRate: 22050 }, durationMs: 1000, bytes: wav.byteLength });
    expect(ref.id).toMatch(/^[0-9a-f]{32}$/);
    expect(await store.get(ref)).toEqual(wav);
    const mulaw = await store.put(new Uint8Array(800).fill(0xff), { encoding: 'mulaw', sampleRate: 8000 });
    expect(mulaw).toMatchObject({ durationMs: 100, bytes: 800 });
    expect(mulaw.id).not.toBe(ref.id);
  });

  it('deletes, and a deleted clip is not found', async () => {
    const store = await make();
    const ref = await store.put(new Uint8Array(320), { encoding: 'pcm16', sampleRate: 16000 });
    await store.delete(ref);
    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(AudioNotFoundError);
  });

  it('refuses ids it could not have issued, before touching anything', async () => {
    const store = await make();
    for (const id of ['../../etc/passwd', '/etc/passwd', `${'a'.repeat(31)}/`, 'A'.repeat(32), '', '..', `${'0'.repeat(32)}\0`]) {
      await expect(store.get({ id })).rejects.toThrow(InvalidAudioRefError);
      await expect(store.delete({ id })).rejects.toThrow(InvalidAudioRefError);
    }
  });

  it('refuses bytes that are not the format claimed', async () => {
    const store = await make();
    await expect(store.put(new TextEncoder().encode('not a wav file'), { encoding: 'wav', sampleRate: 8000 })).rejects.toThrow(/RIFF/);
  });
});

describe('FileAudioStore on disk', () => {
  it('keeps one file per clip inside its directory and cannot be walked out of it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'audio-store-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'secret.audio'), 'secret');
    const store = new FileAudioStore(path.join(dir, 'clips'));
    const ref = await store.put(new Uint8Array(16), { encoding: 'pcm16', sampleRate: 8000 });
    expect(await readdir(path.join(dir, 'clips'))).toEqual([`${ref.id}.audio`]);
    await expect(store.get({ id: '../secret' })).rejects.toThrow(InvalidAudioRefError);
  });
});

describe('retention: prune and retainAudio', () => {
  const pcm = new Uint8Array(320);
  const format = { encoding: 'pcm16', sampleRate: 16000 } as const;
  const hourAgo = (): Date => new Date(Date.now() - 60 * 60_000);

  it('FileAudioStore.prune deletes only its own clip files written before the cutoff', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'audio-store-'));
    dirs.push(dir);
    const store = new FileAudioStore(path.join(dir, 'clips'));
    expect(await store.prune(new Date())).toBe(0); // no directory yet
    const [old, fresh] = [await store.put(pcm, format), await store.put(pcm, format)];
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(path.join(dir, 'clips', `${old.id}.audio`), twoHoursAgo, twoHoursAgo);
    // Not a clip of this store, however old: left alone.
    await writeFile(path.join(dir, 'clips', 'notes.txt'), 'keep me');
    await utimes(path.join(dir, 'clips', 'notes.txt'), twoHoursAgo, twoHoursAgo);

    expect(await store.prune(hourAgo())).toBe(1);
    await expect(store.get(old)).rejects.toThrow(AudioNotFoundError);
    expect(await store.get(fresh)).toEqual(pcm);
    expect((await readdir(path.join(dir, 'clips'))).sort()).toEqual([`${fresh.id}.audio`, 'notes.txt'].sort());
  });

  it('InMemoryAudioStore.prune deletes clips stored before the cutoff', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const store = new InMemoryAudioStore();
      vi.setSystemTime(new Date('2026-12-08T08:00:00Z'));
      const old = await store.put(pcm, format);
      vi.setSystemTime(new Date('2026-12-08T10:00:00Z'));
      const fresh = await store.put(pcm, format);
      expect(await store.prune(new Date('2026-12-08T09:00:00Z'))).toBe(1);
      await expect(store.get(old)).rejects.toThrow(AudioNotFoundError);
      expect(await store.get(fresh)).toEqual(pcm);
      expect(store.size).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('retainAudio sweeps on its timer with the cutoff maxAgeMs back, and stops', async () => {
    vi.useFakeTimers();
    try {
      const cutoffs: Date[] = [];
      const store: AudioStore = { put: async () => { throw new Error('unused'); }, get: async () => pcm, delete: async () => {}, prune: async (d) => { cutoffs.push(d); return 0; } };
      const sweeper = retainAudio(store, { maxAgeMs: 24 * 60 * 60_000, everyMs: 60_000 });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(cutoffs).toHaveLength(1);
      expect(Date.now() - cutoffs[0].getTime()).toBe(24 * 60 * 60_000);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(cutoffs).toHaveLength(3);
      sweeper.stop();
      await vi.advanceTimersByTimeAsync(600_000);
      expect(cutoffs).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('retainAudio refuses a retention under ten minutes and a store that cannot prune', () => {
    expect(() => retainAudio(new InMemoryAudioStore(), { maxAgeMs: 60_000 })).toThrow(RoomKitValidationError);
    const noPrune: AudioStore = { put: async () => { throw new Error('unused'); }, get: async () => pcm, delete: async () => {} };
    expect(() => retainAudio(noPrune, { maxAgeMs: MIN_AUDIO_RETENTION_MS })).toThrow(/prune/);
  });

  it('sweepWhile stops sweeping when what it runs beside ends', async () => {
    vi.useFakeTimers();
    try {
      let sweeps = 0;
      const store: AudioStore = { put: async () => { throw new Error('unused'); }, get: async () => pcm, delete: async () => {}, prune: async () => { sweeps += 1; return 0; } };
      let end!: () => void;
      const running = new Promise<void>((resolve) => { end = resolve; });
      sweepWhile(running, store, { maxAgeMs: MIN_AUDIO_RETENTION_MS, everyMs: 1_000 }, () => undefined);
      await vi.advanceTimersByTimeAsync(3_000);
      expect(sweeps).toBe(3);
      end();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(sweeps).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
