/**
 * The identity step of an inbound message (RoomKit §11), between routing and the commit: ask the
 * worker's resolver (an activity bounded by its timeout) who the sender is, then stamp the event,
 * create or update the participant, fire the identity hooks, or refuse the message. Runs only when
 * the room's worker has a resolver (its manifest says so) for the channel type, and the sender is
 * not an IDENTIFIED participant of the room already.
 */
import { uuid4 } from '@temporalio/workflow';
import { identifiedParticipant, pendingParticipant } from '../../src/core/participants.js';
import type { IdentityOutcome, ParsedInboundMessage, RoomEvent } from '../../src/models/index.js';
import { identityOps } from './effects.js';
import { apply } from './participants.js';
import { fireObservers, safely } from './side-effects.js';
import type { RoomState } from './state.js';

/** The block reason when the message must not be stored; undefined when it goes on. */
export async function identify(rs: RoomState, message: ParsedInboundMessage, event: RoomEvent): Promise<string | undefined> {
  const spec = rs.manifest.identity;
  if (!spec) return undefined;
  const channelType = event.source.channelType;
  if (spec.channelTypes && !spec.channelTypes.includes(channelType)) return undefined;
  const sender = event.source.participantId;
  if (sender && rs.participants.some((p) => p.id === sender && p.identification === 'identified')) return undefined;

  const outcome: IdentityOutcome = (await safely(rs, 'resolveSender', () => identityOps(spec.timeoutMs).resolveSender({
    roomId: rs.room.id, channelType, message, timeoutMs: spec.timeoutMs,
    ...(rs.room.organizationId !== undefined && { organizationId: rs.room.organizationId }),
  }))) ?? { status: 'unknown', address: message.senderId, channelType, error: 'identity activity failed' };
  if (outcome.timedOutAfterMs !== undefined) rs.framework('identity_timeout', { timeout: outcome.timedOutAfterMs / 1000 }, { channelId: message.channelId });
  if (outcome.error !== undefined) rs.framework('identity_error', { error: outcome.error }, { channelId: message.channelId });
  // Identity hooks see the message with the resolver's answer beside it.
  const payload: RoomEvent = { ...event, metadata: { ...event.metadata, identityResult: { ...outcome } } };
  const now = new Date().toISOString();

  switch (outcome.status) {
    case 'identified': {
      if (!outcome.identity) return undefined;
      event.source.participantId = outcome.identity.id;
      const existing = rs.participants.find((p) => p.id === outcome.identity?.id);
      await apply(rs, identifiedParticipant(existing, {
        roomId: rs.room.id, identity: outcome.identity, channelId: message.channelId, address: outcome.address,
      }, now));
      rs.framework('identity_resolved', {
        identity_id: outcome.identity.id, display_name: outcome.identity.displayName ?? null, status: 'identified',
      }, { channelId: message.channelId });
      return undefined;
    }
    case 'ambiguous':
    case 'pending': {
      await fireObservers(rs, 'on_identity_ambiguous', payload);
      const id = sender ?? `pending-${uuid4().slice(0, 8)}`;
      event.source.participantId = id;
      await apply(rs, pendingParticipant(rs.participants.find((p) => p.id === id), {
        roomId: rs.room.id, participantId: id, channelId: message.channelId, candidates: outcome.candidateIds ?? [], address: outcome.address,
      }, now));
      return undefined;
    }
    case 'challenge_sent':
      return outcome.message ?? 'identity_challenge_sent';
    default:
      // UNKNOWN or REJECTED: observers hear it; the message goes on unattributed (RoomKit quirk 7).
      await fireObservers(rs, 'on_identity_unknown', payload);
      return undefined;
  }
}
