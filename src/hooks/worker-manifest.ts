/**
 * A worker's manifest: which hooks and framework-event listeners it runs. Rooms learn it from their
 * workers (never from senders) and compare fingerprints on each write to notice a change.
 */
import { createHash } from 'node:crypto';
import type { KitManifest, WorkerManifest } from '../models/index.js';

/** Canonical JSON (sorted keys) so equal manifests have equal fingerprints in any process. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function describeManifest(manifest: KitManifest): WorkerManifest {
  return { manifest, fingerprint: createHash('sha256').update(canonical(manifest)).digest('hex').slice(0, 32) };
}

/**
 * A worker's manifest, described again only when it changed: every write of every room asks, so
 * the canonical JSON and its hash are not recomputed per message (a cheap JSON key decides).
 */
export function workerManifest(current: () => KitManifest): () => WorkerManifest {
  let key = '';
  let described: WorkerManifest | undefined;
  return () => {
    const manifest = current();
    const next = JSON.stringify(manifest);
    if (!described || next !== key) {
      key = next;
      described = describeManifest(manifest);
    }
    return described;
  };
}

/** The worker's manifest when it differs from the one the room runs (`known`); null when equal or unasked. */
export function manifestNews(current: () => WorkerManifest, known: string | undefined): WorkerManifest | null {
  if (known === undefined) return null;
  const described = current();
  return described.fingerprint === known ? null : described;
}
