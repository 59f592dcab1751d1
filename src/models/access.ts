/** A binding's access rules; zod-free, so the room workflow can import them (see `json-checks.ts`). */
import type { ChannelBinding } from './channel.js';

/** A binding may write (be a source) iff READ_WRITE/WRITE_ONLY and not muted. */
export function canWrite(binding: Pick<ChannelBinding, 'access' | 'muted'>): boolean {
  return (binding.access === 'read_write' || binding.access === 'write_only') && !binding.muted;
}

/** A binding may read (be a target) iff READ_WRITE/READ_ONLY. */
export function canRead(binding: Pick<ChannelBinding, 'access'>): boolean {
  return binding.access === 'read_write' || binding.access === 'read_only';
}
