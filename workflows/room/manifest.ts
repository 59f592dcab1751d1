/**
 * Whose hooks a room runs. Rooms started by this release run the hooks and framework-event listeners
 * of the workers that serve them, never the sender's: a REST process, another service or the
 * Temporal CLI can send commands without bypassing a moderation hook.
 *
 * A manifest enters the room only through activity results, so replay sees the same one; the
 * workflow itself cannot ask "which worker am I on?" deterministically.
 */
import type { WorkerManifest } from '../../src/models/index.js';
import { describeWorker } from './effects.js';
import type { RoomState } from './state.js';

/** Take a worker's manifest if it differs from the room's; say so when it replaces another one. */
export function adoptManifest(rs: RoomState, news: WorkerManifest | null | undefined): void {
  if (!rs.workerHooks || !news || news.fingerprint === rs.manifestFingerprint) return;
  const previous = rs.manifestFingerprint;
  rs.manifest = news.manifest;
  rs.manifestFingerprint = news.fingerprint;
  if (news.manifest.idempotencyWindow) rs.idempotency.limit = news.manifest.idempotencyWindow;
  if (previous) {
    // Two worker versions with different hooks serve this room (a rolling deploy), or a hook was
    // added or removed at run time: from now on the room runs the set described here.
    rs.framework('room_manifest_changed', {
      previous_fingerprint: previous,
      fingerprint: news.fingerprint,
      hooks: news.manifest.hooks.map((h) => h.name),
      listens: news.manifest.listens,
    });
  }
}

/**
 * Ask a worker of the room's task queue for its manifest (at start, or after a run without one).
 * Retried until a worker answers: running without the workers' hooks is never the fallback.
 */
export async function learnWorkerManifest(rs: RoomState): Promise<void> {
  adoptManifest(rs, await describeWorker());
}
