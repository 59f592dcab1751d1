/**
 * Edits and deletes of earlier events (RoomKit §4 step 9g and step 11) and thread roots (step 9f).
 * Pure: the workflow finds the events, these functions decide.
 */
import type { RoomEvent } from '../models/event.js';
import type { Participant } from '../models/participant.js';

/** Is this event an edit or delete of another event? */
export function mutationTargetId(event: Pick<RoomEvent, 'type' | 'content'>): string | undefined {
  if (event.type === 'edit' && event.content.type === 'edit') return event.content.targetEventId;
  if (event.type === 'delete' && event.content.type === 'delete') return event.content.targetEventId;
  return undefined;
}

/**
 * Why an edit/delete is refused, or undefined when allowed. The payload's claims (`editSource`,
 * `deleteType`) are checked against who really sent it (a RoomKit 0.38 security fix).
 */
export function refuseMutation(
  event: Pick<RoomEvent, 'type' | 'content' | 'source'>, target: RoomEvent | undefined, participants: Participant[],
): string | undefined {
  if (!target) return 'target_event_not_found';
  const sender = event.source.participantId;
  const author = target.source.participantId;
  const fromSystem = event.source.channelType === 'system';
  if (event.content.type === 'delete' && event.content.deleteType === 'admin') {
    const p = participants.find((x) => x.id === sender);
    return p?.role === 'owner' ? undefined : 'not_authorized';
  }
  const systemClaim = (event.content.type === 'delete' && event.content.deleteType === 'system')
    || (event.content.type === 'edit' && event.content.editSource === 'system');
  if (systemClaim) return fromSystem ? undefined : 'not_authorized';
  if (!sender || !author) return 'identity_required_for_edit';
  return sender === author ? undefined : 'not_original_author';
}

/** The target as it becomes once the edit/delete is committed (soft delete). */
export function applyMutation(event: Pick<RoomEvent, 'content'>, target: RoomEvent): RoomEvent {
  if (event.content.type === 'edit') {
    return { ...target, content: event.content.newContent, metadata: { ...target.metadata, edited: true } };
  }
  return { ...target, metadata: { ...target.metadata, deleted: true } };
}

/** Replies to replies collapse onto the thread root; a parent outside this room means top level. */
export function threadRoot(parent: RoomEvent | undefined, roomId: string): string | undefined {
  if (!parent || parent.roomId !== roomId) return undefined;
  return parent.parentEventId ?? parent.id;
}
