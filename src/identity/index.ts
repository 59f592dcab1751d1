/**
 * `roomkit-temporal/identity`: participants and the people behind them (RoomKit §3, §11, §12) —
 * the identity model, the participant verbs' option types and errors, and address normalisation.
 * (The package root is capped; these live on their own subpath.)
 */
export { Identity, IdentityInput } from '../models/identity.js';
export { AddParticipantOptions, ParticipantUpdate } from '../models/participant.js';
export { IdentityNotFoundError, ParticipantNotFoundError } from '../errors.js';
export { PHONE_CHANNEL_TYPES, foldEmail, normalizeAddress, toE164 } from './addresses.js';
export { StoreIdentityResolver } from './resolver.js';
export type { IdentityContext, IdentityOptions, IdentityResolver } from './resolver.js';
export { IdentityHookDecision, IdentityHookResult, IdentityStatus } from '../models/identity.js';
export type { IdentityOutcome, IdentityResult } from '../models/identity.js';
