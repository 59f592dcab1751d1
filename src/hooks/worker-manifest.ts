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

/** The worker's manifest when it differs from the one the room runs (`known`); null when equal or unasked. */
export function manifestNews(current: () => KitManifest, known: string | undefined): WorkerManifest | null {
  if (known === undefined) return null;
  const described = describeManifest(current());
  return described.fingerprint === known ? null : described;
}
