import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../../src/voice/audio.js';
import { FileAudioStore, InMemoryAudioStore, type AudioStore } from '../../../src/voice/audio-store.js';
import { AudioNotFoundError, InvalidAudioRefError } from '../../../src/voice/errors.js';

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
