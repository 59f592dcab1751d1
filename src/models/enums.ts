/**
 * RoomKit's enumerations as const objects (values are RoomKit's lowercase strings), each with a
 * zod schema for boundaries and a union type for code.
 */
import { z } from 'zod';

function enumOf<const T extends Record<string, string>>(values: T) {
  const list = Object.values(values) as [T[keyof T], ...T[keyof T][]];
  return z.enum(list);
}

export const ChannelType = {
  SMS: 'sms', MMS: 'mms', RCS: 'rcs', EMAIL: 'email', WHATSAPP: 'whatsapp',
  WHATSAPP_PERSONAL: 'whatsapp_personal', WEBSOCKET: 'websocket', REALTIME_VOICE: 'realtime_voice',
  REALTIME_AUDIO_VIDEO: 'realtime_audio_video', PUSH: 'push', MESSENGER: 'messenger',
  TELEGRAM: 'telegram', TEAMS: 'teams', DISCORD: 'discord', BUZZ: 'buzz', WEBHOOK: 'webhook',
  VIDEO: 'video', AUDIO_VIDEO: 'audio_video', CONFERENCE: 'conference', CLI: 'cli', VOICE: 'voice',
  AI: 'ai', SYSTEM: 'system',
} as const;
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];
export const ChannelTypeSchema = enumOf(ChannelType);

export const ChannelCategory = { TRANSPORT: 'transport', INTELLIGENCE: 'intelligence' } as const;
export type ChannelCategory = (typeof ChannelCategory)[keyof typeof ChannelCategory];
export const ChannelCategorySchema = enumOf(ChannelCategory);

export const ChannelDirection = { INBOUND: 'inbound', OUTBOUND: 'outbound', BIDIRECTIONAL: 'bidirectional' } as const;
export type ChannelDirection = (typeof ChannelDirection)[keyof typeof ChannelDirection];
export const ChannelDirectionSchema = enumOf(ChannelDirection);

export const ChannelMediaType = {
  TEXT: 'text', RICH: 'rich', MEDIA: 'media', AUDIO: 'audio', VIDEO: 'video', LOCATION: 'location', TEMPLATE: 'template',
  /** Not RoomKit's: a transport that shows an agent's tool progress (`tool_call_start` / `_end`). */
  TOOL_CALL: 'tool_call',
} as const;
export type ChannelMediaType = (typeof ChannelMediaType)[keyof typeof ChannelMediaType];
export const ChannelMediaTypeSchema = enumOf(ChannelMediaType);

export const Access = { READ_WRITE: 'read_write', READ_ONLY: 'read_only', WRITE_ONLY: 'write_only', NONE: 'none' } as const;
export type Access = (typeof Access)[keyof typeof Access];
export const AccessSchema = enumOf(Access);

export const EventType = {
  MESSAGE: 'message', SYSTEM: 'system', TYPING: 'typing', READ_RECEIPT: 'read_receipt',
  DELIVERY_RECEIPT: 'delivery_receipt', PRESENCE: 'presence', REACTION: 'reaction', EDIT: 'edit',
  DELETE: 'delete', PARTICIPANT_JOINED: 'participant_joined', PARTICIPANT_LEFT: 'participant_left',
  PARTICIPANT_IDENTIFIED: 'participant_identified', PARTICIPANT_UPDATED: 'participant_updated',
  CHANNEL_ATTACHED: 'channel_attached', CHANNEL_DETACHED: 'channel_detached', CHANNEL_MUTED: 'channel_muted',
  CHANNEL_UNMUTED: 'channel_unmuted', CHANNEL_UPDATED: 'channel_updated', TASK_CREATED: 'task_created',
  TASK_DELEGATED: 'task_delegated', TASK_COMPLETED: 'task_completed', OBSERVATION: 'observation',
  TOOL_CALL_START: 'tool_call_start', TOOL_CALL_END: 'tool_call_end', DTMF: 'dtmf',
  RECORDING_STARTED: 'recording_started', RECORDING_STOPPED: 'recording_stopped',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];
export const EventTypeSchema = enumOf(EventType);

export const EventStatus = { PENDING: 'pending', DELIVERED: 'delivered', READ: 'read', FAILED: 'failed', BLOCKED: 'blocked' } as const;
export type EventStatus = (typeof EventStatus)[keyof typeof EventStatus];
export const EventStatusSchema = enumOf(EventStatus);

export const RoomStatus = { ACTIVE: 'active', PAUSED: 'paused', CLOSED: 'closed', ARCHIVED: 'archived' } as const;
export type RoomStatus = (typeof RoomStatus)[keyof typeof RoomStatus];
export const RoomStatusSchema = enumOf(RoomStatus);

export const AgentResponsePolicy = { AGENT_CHAIN: 'agent_chain', ADDRESSED_ONLY: 'addressed_only' } as const;
export type AgentResponsePolicy = (typeof AgentResponsePolicy)[keyof typeof AgentResponsePolicy];
export const AgentResponsePolicySchema = enumOf(AgentResponsePolicy);

export const DeliveryMode = { BROADCAST: 'broadcast', DIRECT: 'direct', ROUND_ROBIN: 'round_robin' } as const;
export type DeliveryMode = (typeof DeliveryMode)[keyof typeof DeliveryMode];
export const DeliveryModeSchema = enumOf(DeliveryMode);

export const ParticipantRole = { OWNER: 'owner', AGENT: 'agent', MEMBER: 'member', OBSERVER: 'observer', BOT: 'bot' } as const;
export type ParticipantRole = (typeof ParticipantRole)[keyof typeof ParticipantRole];
export const ParticipantRoleSchema = enumOf(ParticipantRole);

export const ParticipantStatus = { ACTIVE: 'active', INACTIVE: 'inactive', LEFT: 'left', BANNED: 'banned' } as const;
export type ParticipantStatus = (typeof ParticipantStatus)[keyof typeof ParticipantStatus];
export const ParticipantStatusSchema = enumOf(ParticipantStatus);

export const IdentificationStatus = {
  IDENTIFIED: 'identified', PENDING: 'pending', AMBIGUOUS: 'ambiguous', UNKNOWN: 'unknown',
  CHALLENGE_SENT: 'challenge_sent', REJECTED: 'rejected',
} as const;
export type IdentificationStatus = (typeof IdentificationStatus)[keyof typeof IdentificationStatus];
export const IdentificationStatusSchema = enumOf(IdentificationStatus);

export const TaskStatus = { PENDING: 'pending', IN_PROGRESS: 'in_progress', COMPLETED: 'completed', FAILED: 'failed', CANCELLED: 'cancelled' } as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];
export const TaskStatusSchema = enumOf(TaskStatus);

export const HookExecution = { SYNC: 'sync', ASYNC: 'async' } as const;
export type HookExecution = (typeof HookExecution)[keyof typeof HookExecution];
export const HookExecutionSchema = enumOf(HookExecution);

/** The triggers this port fires today; the rest of RoomKit's 76 arrive with their subsystems. */
export const HookTrigger = {
  BEFORE_BROADCAST: 'before_broadcast', AFTER_BROADCAST: 'after_broadcast',
  ON_ROOM_CREATED: 'on_room_created', ON_ROOM_PAUSED: 'on_room_paused', ON_ROOM_CLOSED: 'on_room_closed',
  ON_CHANNEL_ATTACHED: 'on_channel_attached', ON_CHANNEL_DETACHED: 'on_channel_detached',
  ON_CHANNEL_MUTED: 'on_channel_muted', ON_CHANNEL_UNMUTED: 'on_channel_unmuted',
  ON_IDENTITY_AMBIGUOUS: 'on_identity_ambiguous', ON_IDENTITY_UNKNOWN: 'on_identity_unknown',
  ON_PARTICIPANT_JOINED: 'on_participant_joined', ON_PARTICIPANT_LEFT: 'on_participant_left',
  ON_PARTICIPANT_UPDATED: 'on_participant_updated', ON_PARTICIPANT_IDENTIFIED: 'on_participant_identified',
  ON_TASK_CREATED: 'on_task_created',
  ON_DELIVERY_STATUS: 'on_delivery_status', ON_ERROR: 'on_error',
  BEFORE_AI_GENERATION: 'before_ai_generation', ON_AI_RESPONSE: 'on_ai_response',
  BEFORE_TOOL_USE: 'before_tool_use', ON_TOOL_CALL: 'on_tool_call',
  // Voice (RoomKit §19.1): ON_TRANSCRIPTION and BEFORE_TTS are sync and fail closed; the rest observe.
  ON_SPEECH_START: 'on_speech_start', ON_SPEECH_END: 'on_speech_end', ON_TRANSCRIPTION: 'on_transcription',
  BEFORE_TTS: 'before_tts', AFTER_TTS: 'after_tts', ON_BARGE_IN: 'on_barge_in', ON_TTS_CANCELLED: 'on_tts_cancelled',
} as const;
export type HookTrigger = (typeof HookTrigger)[keyof typeof HookTrigger];
export const HookTriggerSchema = enumOf(HookTrigger);

/** Visibility keywords; any other string is a channel id or a comma-separated list of ids. */
export const Visibility = { ALL: 'all', NONE: 'none', TRANSPORT: 'transport', INTELLIGENCE: 'intelligence', INTERNAL: 'internal' } as const;
