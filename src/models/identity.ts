import { z } from 'zod';
import { JsonRecord } from './json.js';

/**
 * A person known across channels (RoomKit §3 `Identity`). `channelAddresses` maps a channel type to
 * the addresses that lead to this identity (`sms` → `['+15551234567']`); the store indexes them by
 * (channel type, address, organisation) for `resolveIdentity`.
 */
export const Identity = z.object({
  id: z.string().min(1),
  organizationId: z.string().min(1).optional(),
  displayName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  channelAddresses: z.record(z.string(), z.array(z.string().min(1))),
  externalId: z.string().optional(),
  externalIds: z.record(z.string(), z.string()),
  metadata: JsonRecord,
});
export type Identity = z.infer<typeof Identity>;

/** What `createIdentity` accepts: everything but the id is optional. */
export const IdentityInput = Identity.partial({ channelAddresses: true, externalIds: true, metadata: true });
export type IdentityInput = z.input<typeof IdentityInput>;
