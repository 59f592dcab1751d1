/**
 * The identity step of an inbound message (RoomKit §11), between routing and the commit: ask the
 * worker's resolver (an activity bounded by its timeout) who the sender is, then stamp the event,
 * create or update the participant, fire the identity hooks, or refuse the message. Runs only when
 * the room's worker has a resolver (its manifest says so) for the channel type, and the sender is
 * not an IDENTIFIED participant of the room already.
 */
import { uuid4 } from '@temporalio/workflow';
import { injectedEvent } from '../../src/core/events.js';
import { identifiedParticipant, pendingParticipant } from '../../src/core/participants.js';
import { matchingHooks } from '../../src/core/hooks.js';
import type { IdentityHookDecision, IdentityOutcome, ParsedInboundMessage, RoomEvent } from '../../src/models/index.js';
import { hold, newCascade } from './cascade.js';
import { hookOps, identityOps } from './effects.js';
import { identityChallenges } from './patches.js';
import { apply } from './participants.js';
import { stamp } from './stamp.js';
import { commit, fireObservers, safely } from './side-effects.js';
import type { RoomState } from './state.js';
import { remember } from './trace-context.js';

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
  // Runs recorded before challenges were sent only refused the message: they replay without it.
  const sendsChallenges = identityChallenges();
  // Identity hooks see the message with the resolver's answer beside it.
  const payload: RoomEvent = { ...event, metadata: { ...event.metadata, identityResult: { ...outcome } } };
  const now = new Date().toISOString();

  const identified = async (identity: { id: string; displayName?: string }): Promise<undefined> => {
    event.source.participantId = identity.id;
    await apply(rs, identifiedParticipant(rs.participants.find((p) => p.id === identity.id), {
      roomId: rs.room.id, identity, channelId: message.channelId, address: outcome.address,
    }, now));
    rs.framework('identity_resolved', {
      identity_id: identity.id, display_name: identity.displayName ?? null, status: 'identified',
    }, { channelId: message.channelId });
    return undefined;
  };
  const challenge = async (decision: Extract<IdentityHookDecision, { status: 'challenge' }>): Promise<string> => {
    if (sendsChallenges && decision.inject) await sendChallenge(rs, decision.inject, event);
    return decision.message ?? 'identity_challenge_sent';
  };
  const pending = async (candidates: string[]): Promise<undefined> => {
    const id = sender ?? `pending-${uuid4().slice(0, 8)}`;
    event.source.participantId = id;
    await apply(rs, pendingParticipant(rs.participants.find((p) => p.id === id), {
      roomId: rs.room.id, participantId: id, channelId: message.channelId, candidates, address: outcome.address,
    }, now));
    return undefined;
  };

  switch (outcome.status) {
    case 'identified':
      return outcome.identity ? identified(outcome.identity) : undefined;
    case 'challenge_sent':
      return outcome.message ?? 'identity_challenge_sent';
    case 'ambiguous':
    case 'pending': {
      const decision = await decide(rs, 'on_identity_ambiguous', payload);
      if (decision?.status === 'resolved') return identified(decision.identity);
      if (decision?.status === 'challenge') return challenge(decision);
      if (decision?.status === 'reject') return decision.reason ?? 'identity_rejected';
      return pending(decision?.status === 'pending' && decision.candidates ? decision.candidates : outcome.candidateIds ?? []);
    }
    default: {
      // UNKNOWN or REJECTED: with no hook deciding, the message goes on unattributed (RoomKit quirk 7).
      const decision = await decide(rs, 'on_identity_unknown', payload);
      if (decision?.status === 'resolved') return identified(decision.identity);
      if (decision?.status === 'challenge') return challenge(decision);
      if (decision?.status === 'reject') return decision.reason ?? 'unknown_sender';
      if (decision?.status === 'pending') return pending(decision.candidates ?? []);
      return undefined;
    }
  }
}

/**
 * SYNC hooks on the trigger decide (first answer wins, in the worker); ASYNC ones then observe.
 * Both are skipped when the room knows of none.
 */
async function decide(rs: RoomState, trigger: 'on_identity_ambiguous' | 'on_identity_unknown', payload: RoomEvent): Promise<IdentityHookDecision | undefined> {
  const deciders = matchingHooks(rs.hookSpecs(), trigger, payload, 'sync');
  const decision = deciders.length
    ? await safely(rs, `hooks:${trigger}`, () => hookOps(deciders.reduce((sum, h) => sum + h.timeoutMs, 0), rs.workerHooks).runIdentityHooks({
      roomId: rs.room.id, trigger, hookNames: deciders.map((h) => h.name), event: payload,
    }))
    : undefined;
  await fireObservers(rs, trigger, payload, { execution: 'async' });
  return decision ?? undefined;
}

/**
 * RoomKit §11: a hook's challenge is injected: stored DELIVERED (indexed like any event, the refused
 * message itself is not) and sent bare to its targets through the delivery lane, in commit order.
 * A closed room refuses it like any injected event.
 */
async function sendChallenge(
  rs: RoomState, inject: NonNullable<Extract<IdentityHookDecision, { status: 'challenge' }>['inject']>, trigger: RoomEvent,
): Promise<void> {
  if (rs.refusesWrites()) return;
  const ev = injectedEvent(stamp(rs), inject, trigger);
  // The refused message is never stored: the challenge is a thread root, not a reply to it.
  delete ev.parentEventId;
  await commit(rs, { events: [ev] });
  const cascade = newCascade(rs.manifest.maxChainDepth);
  hold(cascade);
  rs.lane.push(remember({
    event: ev, source: undefined, targets: [], injected: [{ targets: inject.targetChannelIds ?? [], event: ev }],
    cascade, root: false, broadcast: false,
  }));
}
