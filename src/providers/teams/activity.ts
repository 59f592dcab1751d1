/**
 * A Bot Framework activity as RoomKit's `parse_teams_webhook` reads it: only `message` activities
 * with text become inbound messages; `<at>…</at>` mentions are stripped in group chats and channels.
 * A read receipt event (`event` named `application/vnd.microsoft.readReceipt`, which Teams sends in
 * personal chats to a bot whose manifest asks for `ChatMessageReadReceipt.Read.Chat`) becomes a
 * `read` status for `value.lastReadMessageId`: the user read that message of ours and every earlier
 * one. Everything else (conversationUpdate, typing, invoke…) is valid but ignored. Pure.
 */
import { z } from 'zod';
import { WebhookPayloadError } from '../../errors.js';
import type { DeliveryStatus, InboundMessage } from '../../models/index.js';
import type { WebhookOutcome } from '../webhook.js';
import type { ConversationReference } from './conversation-store.js';

const Account = z.object({ id: z.string().min(1), name: z.string().optional(), aadObjectId: z.string().optional() }).loose();

/** The fields we read; everything else stays in `rawPayload`. */
export const Activity = z
  .object({
    type: z.string().min(1),
    /** An `event` activity's name (`application/vnd.microsoft.readReceipt`…). */
    name: z.string().optional(),
    id: z.string().min(1).optional(),
    timestamp: z.string().optional(),
    text: z.string().optional(),
    serviceUrl: z.string().optional(),
    channelId: z.string().optional(),
    replyToId: z.string().optional(),
    from: Account.optional(),
    recipient: Account.optional(),
    conversation: z
      .object({
        id: z.string().min(1),
        conversationType: z.string().optional(),
        isGroup: z.boolean().optional(),
        tenantId: z.string().optional(),
        name: z.string().optional(),
      })
      .loose()
      .optional(),
    entities: z.array(z.looseObject({ type: z.string().optional() })).optional(),
    channelData: z.looseObject({ tenant: z.looseObject({ id: z.string().optional() }).optional() }).optional(),
  })
  .loose();
export type Activity = z.infer<typeof Activity>;

const MENTION = /<at>[^<]*<\/at>\s*/g;

/** The `name` of the event activity Teams sends when a user has read the bot's messages. */
export const TEAMS_READ_RECEIPT_EVENT = 'application/vnd.microsoft.readReceipt';

const ReadReceiptValue = z.looseObject({ lastReadMessageId: z.string().min(1) });

/** Parses the body; a malformed activity names the offending field. */
export function readActivity(rawBody: Buffer): { activity: Activity; raw: Record<string, unknown> } {
  let raw: unknown;
  try {
    raw = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('teams', '(root)', 'body is not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new WebhookPayloadError('teams', '(root)', 'body is not a JSON object');
  }
  const parsed = Activity.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookPayloadError('teams', issue.path.join('.') || '(root)', issue.message);
  }
  return { activity: parsed.data, raw: raw as Record<string, unknown> };
}

export function isGroupConversation(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  return activity.conversation?.isGroup === true || type === 'groupChat' || type === 'channel';
}

/** The reference a later proactive send needs, when the activity carries one. */
export function conversationReferenceOf(activity: Activity): ConversationReference | undefined {
  if (!activity.conversation?.id || !activity.serviceUrl) return undefined;
  return {
    conversationId: activity.conversation.id,
    serviceUrl: activity.serviceUrl,
    ...(activity.conversation.conversationType && { conversationType: activity.conversation.conversationType }),
    ...(tenantOf(activity) && { tenantId: tenantOf(activity) }),
    ...(activity.recipient?.id && { botId: activity.recipient.id }),
    updatedAt: new Date().toISOString(),
  };
}

function tenantOf(activity: Activity): string | undefined {
  return activity.channelData?.tenant?.id ?? activity.conversation?.tenantId;
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new WebhookPayloadError('teams', field, 'missing from a message activity');
  return value;
}

/**
 * One inbound message, or `ignored`. `senderId` is `from.id` (the Bot Framework account id, `29:…`):
 * it is always present, and it is what Bot Framework takes to address the user again. The Entra ID
 * object id (`aadObjectId`, absent for guests and anonymous meeting users) is kept in metadata.
 */
export function parseActivity(activity: Activity, raw: Record<string, unknown>, channelId: string): WebhookOutcome {
  if (activity.type === 'event' && activity.name === TEAMS_READ_RECEIPT_EVENT) {
    return { kind: 'statuses', statuses: [readReceipt(activity, raw, channelId)] };
  }
  if (activity.type !== 'message') return { kind: 'ignored', reason: `activity type ${activity.type}` };
  let text = (activity.text ?? '').trim();
  if (!text) return { kind: 'ignored', reason: 'message without text' };
  const isGroup = isGroupConversation(activity);
  if (isGroup) {
    text = text.replace(MENTION, '').trim();
    if (!text) return { kind: 'ignored', reason: 'message with only mentions' };
  }
  const id = required(activity.id, 'id');
  const from = required(activity.from, 'from');
  const conversation = required(activity.conversation, 'conversation');
  const botId = activity.recipient?.id;
  const botMentioned = !isGroup
    || (botId !== undefined && (activity.entities ?? []).some(
      (e) => e.type === 'mention' && (e as { mentioned?: { id?: unknown } }).mentioned?.id === botId,
    ));
  const message: InboundMessage = {
    channelId,
    senderId: from.id,
    content: { type: 'text', body: text },
    externalId: id,
    providerMessageId: id,
    idempotencyKey: id,
    ...(activity.replyToId && { threadId: activity.replyToId }),
    rawPayload: raw,
    metadata: {
      senderName: from.name ?? '',
      ...(from.aadObjectId && { aadObjectId: from.aadObjectId }),
      conversationId: conversation.id,
      conversationType: conversation.conversationType ?? 'personal',
      isGroup,
      botMentioned,
      serviceUrl: activity.serviceUrl ?? '',
      tenantId: tenantOf(activity) ?? '',
    },
  };
  return { kind: 'messages', messages: [message] };
}

/**
 * The user (`from.id`, as in the binding) read our message `lastReadMessageId`; `recipient` is that
 * user so the kit can route the status by participant when the id matches no sent message.
 */
function readReceipt(activity: Activity, raw: Record<string, unknown>, channelId: string): DeliveryStatus {
  const parsed = ReadReceiptValue.safeParse((raw as { value?: unknown }).value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookPayloadError('teams', ['value', ...issue.path.map(String)].join('.'), issue.message);
  }
  const from = activity.from;
  if (!from) throw new WebhookPayloadError('teams', 'from', 'missing from a read receipt');
  const at = activity.timestamp ? new Date(activity.timestamp) : undefined;
  return {
    channelId,
    provider: 'teams',
    messageId: parsed.data.lastReadMessageId,
    status: 'read',
    recipient: from.id,
    sender: activity.recipient?.id ?? '',
    ...(at && !Number.isNaN(at.getTime()) && { timestamp: at.toISOString() }),
    raw,
  };
}
