/**
 * How long clips stay in an `AudioStore`. Every utterance and every spoken answer is a clip, so a
 * store that is never swept fills its disk. `retainAudio` sweeps a store on a timer, deleting clips
 * older than `maxAgeMs`; the kit's `voice.retention` option runs it in each worker process.
 *
 * A clip must outlive every activity that may still read it (a `transcribe` retried after a lost
 * worker, a play request queued behind a long answer), so the shortest retention is ten minutes.
 * Stores in object storage can leave `prune` out and use the bucket's lifecycle rules instead.
 */
import { z } from 'zod';
import { RoomKitError, RoomKitValidationError } from '../errors.js';
import type { AudioStore } from './audio-store.js';

export const MIN_AUDIO_RETENTION_MS = 10 * 60_000;

export const AudioRetention = z.object({
  /** Clips older than this are deleted. At least ten minutes. */
  maxAgeMs: z.number().int().min(MIN_AUDIO_RETENTION_MS),
  /** How often to sweep; default a tenth of `maxAgeMs`, at most hourly. (A timer cannot wait longer than ~24.8 days.) */
  everyMs: z.number().int().min(1_000).max(2_147_483_647).optional(),
});
export type AudioRetention = z.infer<typeof AudioRetention>;

export interface AudioSweeper {
  /** Sweep now; resolves with how many clips were deleted. */
  sweep(): Promise<number>;
  /** Stop the timer (a sweep in progress finishes). */
  stop(): void;
}

/** Start sweeping `store` (which must implement `prune`); the timer does not keep the process alive. */
export function retainAudio(
  store: AudioStore, retention: AudioRetention, onError: (err: unknown) => void = () => undefined,
): AudioSweeper {
  const parsed = AudioRetention.safeParse(retention);
  if (!parsed.success) throw new RoomKitValidationError('audio retention', parsed.error.issues);
  const prune = store.prune?.bind(store);
  if (!prune) throw new RoomKitError('audio retention needs an AudioStore with prune() (FileAudioStore, InMemoryAudioStore); sweep other stores another way, e.g. bucket lifecycle rules');
  const { maxAgeMs } = parsed.data;
  const everyMs = parsed.data.everyMs ?? Math.min(Math.round(maxAgeMs / 10), 60 * 60_000);
  const sweep = () => prune(new Date(Date.now() - maxAgeMs));
  // A sweep slower than the period is not started twice.
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep().catch(onError).finally(() => { sweeping = false; });
  }, everyMs);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}

/** Sweep for as long as `running` lasts (the kit's `voice.retention`, for its worker's life). */
export function sweepWhile(running: Promise<unknown>, store: AudioStore, retention: AudioRetention, log: (message: string) => void): void {
  const sweeper = retainAudio(store, retention, (err) => log(`audio retention sweep failed: ${String(err)}`));
  running.finally(() => sweeper.stop()).catch(() => undefined);
}
