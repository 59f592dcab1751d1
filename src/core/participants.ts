/**
 * Participant changes as pure decisions (RoomKit §2.3–2.4, §12): each takes the room's current
 * record and answers the new record and, when RoomKit stores one, the system event to store. The
 * room workflow applies them in its queue, so the events get gap-free indexes.
 */
import type { EventType, HookTrigger, Participant, ParticipantRole } from '../models/index.js';

/** A change decided: the record to store, and the timeline event (with its hook) if any. */
export interface ParticipantChange {
  participant: Participant;
  /** False when nothing changed (no write, no event). */
  changed: boolean;
  event?: { type: EventType; code: string; body: string; data: Record<string, unknown>; trigger: HookTrigger };
}

/** The primary channel first, then every other channel once, in first-seen order. */
export function connectedVia(primary: string, ...others: string[]): string[] {
  return [...new Set([primary, ...others])];
}

const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * `add_member`: already ACTIVE ⇒ only records the channel in `connectedVia`. New, or LEFT / BANNED /
 * INACTIVE ⇒ ACTIVE again; a re-join makes the joining channel primary and keeps `joinedAt`;
 * IDENTIFIED when an identity is known, else PENDING. Stores PARTICIPANT_JOINED (`participant_joined`).
 */
export function addParticipant(
  existing: Participant | undefined,
  input: { roomId: string; participantId: string; channelId: string; displayName?: string; role?: ParticipantRole; identityId?: string; metadata?: Record<string, unknown> },
  now: string,
): ParticipantChange {
  if (existing?.status === 'active') {
    const via = connectedVia(existing.channelId, ...existing.connectedVia, input.channelId);
    return { participant: { ...existing, connectedVia: via }, changed: !same(via, existing.connectedVia) };
  }
  const identityId = input.identityId ?? existing?.identityId;
  const displayName = input.displayName ?? existing?.displayName;
  const participant: Participant = {
    id: input.participantId,
    roomId: input.roomId,
    channelId: input.channelId,
    role: input.role ?? existing?.role ?? 'member',
    status: 'active',
    identification: identityId ? 'identified' : 'pending',
    connectedVia: connectedVia(input.channelId, ...(existing?.connectedVia ?? [])),
    joinedAt: existing?.joinedAt ?? now,
    metadata: { ...existing?.metadata, ...input.metadata },
    ...(displayName !== undefined && { displayName }),
    ...(identityId !== undefined && { identityId }),
    ...(existing?.externalId !== undefined && { externalId: existing.externalId }),
    ...(identityId && existing?.identityId === identityId && existing.resolvedAt && { resolvedAt: existing.resolvedAt }),
    ...(identityId && existing?.identityId === identityId && existing.resolvedBy && { resolvedBy: existing.resolvedBy }),
  };
  return {
    participant, changed: true,
    event: {
      type: 'participant_joined', code: 'participant_joined', trigger: 'on_participant_joined',
      body: `${displayName ?? input.participantId} joined via ${input.channelId}`,
      data: {
        participant_id: input.participantId, channel_id: input.channelId, role: participant.role,
        ...(displayName !== undefined && { display_name: displayName }), ...(identityId && { identity_id: identityId }),
      },
    },
  };
}

/** `remove_member`: soft, the record stays with status LEFT or BANNED; stores PARTICIPANT_LEFT. */
export function removeParticipant(existing: Participant, status: 'left' | 'banned'): ParticipantChange {
  return {
    participant: { ...existing, status }, changed: true,
    event: {
      type: 'participant_left', code: 'participant_left', trigger: 'on_participant_left',
      body: `${existing.displayName ?? existing.id} ${status === 'banned' ? 'was banned' : 'left'}`,
      data: { participant_id: existing.id, status },
    },
  };
}

/**
 * `rename_member`, widened to role and metadata: nothing different ⇒ no-op; else stores
 * PARTICIPANT_UPDATED (`participant_updated`) naming the fields that changed.
 */
export function updateParticipant(
  existing: Participant,
  update: { displayName?: string; role?: ParticipantRole; metadata?: Record<string, unknown> },
): ParticipantChange {
  const changes: Record<string, unknown> = {};
  const next: Participant = { ...existing };
  if (update.displayName !== undefined && update.displayName !== existing.displayName) {
    changes.display_name = { old: existing.displayName ?? null, new: update.displayName };
    next.displayName = update.displayName;
  }
  if (update.role !== undefined && update.role !== existing.role) {
    changes.role = { old: existing.role, new: update.role };
    next.role = update.role;
  }
  if (update.metadata && Object.keys(update.metadata).length) {
    const merged = { ...existing.metadata, ...update.metadata };
    if (JSON.stringify(merged) !== JSON.stringify(existing.metadata)) {
      changes.metadata = Object.keys(update.metadata);
      next.metadata = merged;
    }
  }
  if (!Object.keys(changes).length) return { participant: existing, changed: false };
  return {
    participant: next, changed: true,
    event: {
      type: 'participant_updated', code: 'participant_updated', trigger: 'on_participant_updated',
      body: `${next.displayName ?? next.id} updated`,
      data: { participant_id: existing.id, changes },
    },
  };
}

/**
 * `ensure_participant`: get-or-create (ACTIVE, PENDING identification, role member); an existing
 * record keeps its primary channel and records the new one in `connectedVia`. Stores no event.
 */
export function ensureParticipant(
  existing: Participant | undefined,
  input: { roomId: string; participantId: string; channelId: string; displayName?: string },
  now: string,
): ParticipantChange {
  if (existing) {
    const via = connectedVia(existing.channelId, ...existing.connectedVia, input.channelId);
    return { participant: { ...existing, connectedVia: via }, changed: !same(via, existing.connectedVia) };
  }
  return {
    changed: true,
    participant: {
      id: input.participantId, roomId: input.roomId, channelId: input.channelId, role: 'member', status: 'active',
      identification: 'pending', connectedVia: [input.channelId], joinedAt: now, metadata: {},
      ...(input.displayName !== undefined && { displayName: input.displayName }),
    },
  };
}

/**
 * `resolve_participant`: IDENTIFIED with the identity, `resolvedAt` / `resolvedBy`, candidates
 * cleared, the identity's display name; stores PARTICIPANT_IDENTIFIED (`participant_identified`).
 */
export function resolveParticipant(
  existing: Participant,
  identity: { id: string; displayName?: string },
  resolvedBy: string,
  now: string,
): ParticipantChange {
  const { candidates: _dropped, ...rest } = existing;
  const displayName = identity.displayName ?? existing.displayName;
  const participant: Participant = {
    ...rest, identification: 'identified', identityId: identity.id, resolvedAt: now, resolvedBy,
    ...(displayName !== undefined && { displayName }),
  };
  return {
    participant, changed: true,
    event: {
      type: 'participant_identified', code: 'participant_identified', trigger: 'on_participant_identified',
      body: `${displayName ?? existing.id} identified as ${identity.id}`,
      data: { participant_id: existing.id, identity_id: identity.id, resolved_by: resolvedBy },
    },
  };
}

/**
 * The participant an identified sender becomes (RoomKit §11): id = identity id, IDENTIFIED, its
 * display name; created once with `participant_joined_identified`, then only kept up to date
 * (identification, the channel in `connectedVia`) without an event.
 */
export function identifiedParticipant(
  existing: Participant | undefined,
  input: { roomId: string; identity: { id: string; displayName?: string }; channelId: string; address: string },
  now: string,
): ParticipantChange {
  const { identity } = input;
  const displayName = identity.displayName ?? existing?.displayName;
  if (existing) {
    const via = connectedVia(existing.channelId, ...existing.connectedVia, input.channelId);
    const { candidates: _dropped, ...rest } = existing;
    const participant: Participant = {
      ...rest, identification: 'identified', identityId: identity.id, connectedVia: via,
      ...(displayName !== undefined && { displayName }),
      ...(existing.identification !== 'identified' && { resolvedAt: now, resolvedBy: 'identity_resolver' }),
    };
    return { participant, changed: JSON.stringify(participant) !== JSON.stringify(existing) };
  }
  return {
    changed: true,
    participant: {
      id: identity.id, roomId: input.roomId, channelId: input.channelId, role: 'member', status: 'active',
      identification: 'identified', identityId: identity.id, connectedVia: [input.channelId], externalId: input.address,
      joinedAt: now, resolvedAt: now, resolvedBy: 'identity_resolver', metadata: {},
      ...(displayName !== undefined && { displayName }),
    },
    event: {
      type: 'participant_joined', code: 'participant_joined_identified', trigger: 'on_participant_joined',
      body: `${displayName ?? identity.id} joined via ${input.channelId} (identified)`,
      data: { participant_id: identity.id, channel_id: input.channelId, identity_id: identity.id, address: input.address },
    },
  };
}

/**
 * A sender the resolver could not pin down (AMBIGUOUS / PENDING): a PENDING participant with the
 * candidate identity ids, created once with `participant_joined_pending`.
 */
export function pendingParticipant(
  existing: Participant | undefined,
  input: { roomId: string; participantId: string; channelId: string; candidates: string[]; address: string },
  now: string,
): ParticipantChange {
  if (existing) {
    const via = connectedVia(existing.channelId, ...existing.connectedVia, input.channelId);
    const participant: Participant = { ...existing, connectedVia: via, ...(input.candidates.length && { candidates: input.candidates }) };
    return { participant, changed: JSON.stringify(participant) !== JSON.stringify(existing) };
  }
  return {
    changed: true,
    participant: {
      id: input.participantId, roomId: input.roomId, channelId: input.channelId, role: 'member', status: 'active',
      identification: 'pending', connectedVia: [input.channelId], externalId: input.address, joinedAt: now, metadata: {},
      ...(input.candidates.length && { candidates: input.candidates }),
    },
    event: {
      type: 'participant_joined', code: 'participant_joined_pending', trigger: 'on_participant_joined',
      body: `${input.participantId} joined via ${input.channelId} (identity pending)`,
      data: { participant_id: input.participantId, channel_id: input.channelId, candidates: input.candidates, address: input.address },
    },
  };
}
