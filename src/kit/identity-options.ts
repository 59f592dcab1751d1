/** `RoomKit({ identity })` checked once, and what of it the rooms must know (their manifest). */
import { RoomKitError } from '../errors.js';
import type { IdentityResolver, IdentityOptions } from '../identity/resolver.js';
import type { IdentityManifest } from '../models/index.js';

const DEFAULT_TIMEOUT_SECONDS = 5;

export function identityOptions(options: IdentityOptions | undefined): IdentityOptions | undefined {
  if (!options) return undefined;
  const resolver: IdentityResolver | undefined = options.resolver;
  if (typeof resolver?.resolve !== 'function') throw new RoomKitError('identity.resolver must have a resolve(message, ctx) method');
  const timeout = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(timeout > 0) || !Number.isFinite(timeout)) throw new RoomKitError(`identity.timeoutSeconds must be a positive number, got ${timeout}`);
  return { ...options, timeoutSeconds: timeout };
}

export function identityManifest(options: IdentityOptions): IdentityManifest {
  return {
    timeoutMs: Math.round((options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
    ...(options.channelTypes && { channelTypes: [...options.channelTypes] }),
  };
}
