/** What every store shares about identities: the normalised keys an identity is found by. */
import { normalizeAddress } from '../identity/addresses.js';
import type { Identity } from '../models/index.js';

export interface AddressKey {
  channelType: string;
  address: string;
  /** '' when unscoped. */
  organizationId: string;
}

export const addressKey = (channelType: string, address: string, organizationId?: string): AddressKey => ({
  channelType, address: normalizeAddress(channelType, address), organizationId: organizationId ?? '',
});

/** The keys an identity is indexed by: each channel address, plus its `phone` and `email`. */
export function identityKeys(identity: Identity): AddressKey[] {
  const keys: AddressKey[] = [];
  for (const [type, addresses] of Object.entries(identity.channelAddresses)) {
    for (const a of addresses) keys.push(addressKey(type, a, identity.organizationId));
  }
  if (identity.phone) keys.push(addressKey('phone', identity.phone, identity.organizationId));
  if (identity.email) keys.push(addressKey('email', identity.email, identity.organizationId));
  return keys;
}

/** The identity with `address` added under `channelType` (no duplicate). */
export function withAddress(identity: Identity, channelType: string, address: string): Identity {
  const list = identity.channelAddresses[channelType] ?? [];
  if (list.includes(address)) return identity;
  return { ...identity, channelAddresses: { ...identity.channelAddresses, [channelType]: [...list, address] } };
}
