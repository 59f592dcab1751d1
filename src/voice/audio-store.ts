/**
 * Where audio lives while a conversation refers to it. Audio never enters workflow history (payloads
 * warn at 512 KB and fail at 2 MB; one minute of 16 kHz PCM16 is 1.9 MB): activities put bytes here
 * and hand the workflow an `AudioRef`, a few dozen bytes of JSON.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AudioFormat, AudioRef } from '../models/voice.js';
import { decodeAudio } from './audio.js';
import { AudioNotFoundError, InvalidAudioRefError } from './errors.js';

/** 32 lowercase hex digits, as `newAudioId` makes them; anything else is refused before touching disk. */
export const AUDIO_ID = /^[0-9a-f]{32}$/;
/** A `FileAudioStore` clip file: the only names its `prune` touches. */
const CLIP_FILE = /^[0-9a-f]{32}\.audio$/;

// The schema lives with the models (the room workflow reads its type); re-exported here.
export { AudioRef };

export interface AudioStore {
  /** Stores `bytes` (read as `format`, which is checked by decoding) and returns its ref. */
  put(bytes: Uint8Array, format: AudioFormat): Promise<AudioRef>;
  /** The bytes exactly as put; `AudioNotFoundError` when gone, `InvalidAudioRefError` for a forged id. */
  get(ref: Pick<AudioRef, 'id'>): Promise<Uint8Array>;
  /** Removes the clip; deleting one that is gone is fine. */
  delete(ref: Pick<AudioRef, 'id'>): Promise<void>;
  /**
   * Deletes the clips stored before `olderThan` and returns how many (`retainAudio` calls it on a
   * timer). Optional: a store in object storage may rely on the bucket's lifecycle rules instead.
   */
  prune?(olderThan: Date): Promise<number>;
}

/** 128 random bits as hex: unguessable, and safe as a file name by construction. */
export function newAudioId(): string {
  return randomBytes(16).toString('hex');
}

/** Throws `InvalidAudioRefError` unless `id` is one this store could have issued. */
export function checkAudioId(id: unknown): string {
  if (typeof id !== 'string' || !AUDIO_ID.test(id)) throw new InvalidAudioRefError(String(id));
  return id;
}

/** The ref for `bytes` under `id`: decodes once to validate the format and measure the duration. */
export function describeAudio(id: string, bytes: Uint8Array, format: AudioFormat): AudioRef {
  const parsed = AudioFormat.parse(format);
  const { samples, sampleRate } = decodeAudio(bytes, parsed);
  // A WAV header knows its own rate better than the caller.
  return {
    id,
    format: { encoding: parsed.encoding, sampleRate },
    durationMs: Math.round((samples.length * 1000) / sampleRate),
    bytes: bytes.byteLength,
  };
}

/**
 * One file per clip in `directory` (created on first put), named by its random id; the format lives
 * in the ref, not the file. Shared by workers only if the directory is (a volume); otherwise a
 * clip is readable on the machine that stored it.
 *
 * @example
 * const store = new FileAudioStore('/var/lib/roomkit/audio');
 * const ref = await store.put(wav, { encoding: 'wav', sampleRate: 22050 });
 * const again = await store.get(ref);
 */
export class FileAudioStore implements AudioStore {
  constructor(readonly directory: string) {}

  async put(bytes: Uint8Array, format: AudioFormat): Promise<AudioRef> {
    const ref = describeAudio(newAudioId(), bytes, format);
    await mkdir(this.directory, { recursive: true });
    await writeFile(this.fileOf(ref.id), bytes, { flag: 'wx' });
    return ref;
  }

  async get(ref: Pick<AudioRef, 'id'>): Promise<Uint8Array> {
    const file = this.fileOf(checkAudioId(ref.id));
    try {
      return new Uint8Array(await readFile(file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AudioNotFoundError(ref.id);
      throw err;
    }
  }

  async delete(ref: Pick<AudioRef, 'id'>): Promise<void> {
    await rm(this.fileOf(checkAudioId(ref.id)), { force: true });
  }

  /** By each file's modification time (when it was written); only this store's own clip files. */
  async prune(olderThan: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let deleted = 0;
    for (const name of names) {
      if (!CLIP_FILE.test(name)) continue;
      const file = path.join(this.directory, name);
      // A clip deleted meanwhile (another process sweeping the same directory) is fine.
      const stats = await stat(file).catch(() => undefined);
      if (!stats || stats.mtime >= olderThan) continue;
      await rm(file, { force: true });
      deleted += 1;
    }
    return deleted;
  }

  private fileOf(id: string): string {
    return path.join(this.directory, `${id}.audio`);
  }
}

/** Keeps clips in memory: tests and single-process demos. */
export class InMemoryAudioStore implements AudioStore {
  private readonly clips = new Map<string, { bytes: Uint8Array; storedAt: number }>();

  async put(bytes: Uint8Array, format: AudioFormat): Promise<AudioRef> {
    const ref = describeAudio(newAudioId(), bytes, format);
    this.clips.set(ref.id, { bytes: bytes.slice(), storedAt: Date.now() });
    return ref;
  }

  async get(ref: Pick<AudioRef, 'id'>): Promise<Uint8Array> {
    const clip = this.clips.get(checkAudioId(ref.id));
    if (!clip) throw new AudioNotFoundError(ref.id);
    return clip.bytes.slice();
  }

  async delete(ref: Pick<AudioRef, 'id'>): Promise<void> {
    this.clips.delete(checkAudioId(ref.id));
  }

  async prune(olderThan: Date): Promise<number> {
    let deleted = 0;
    for (const [id, clip] of this.clips) {
      if (clip.storedAt >= olderThan.getTime()) continue;
      this.clips.delete(id);
      deleted += 1;
    }
    return deleted;
  }

  get size(): number {
    return this.clips.size;
  }
}
