/**
 * The room workflow's check of a command envelope, as plain data (`shape-check.ts`): what the
 * workflow's update validator refuses and its signal handler drops. It mirrors `CommandEnvelope`
 * in `commands.ts` (which the room client checks before sending) field by field where the room
 * reads a field, and is never stricter than it (so a message's byte limit, measured by zod on its
 * parsed output, is left to the client). A new command kind needs its row here: the table is typed
 * by `RoomCommandKind`.
 */
import type { RoomCommandKind } from './commands.js';
import { contentProblem } from './content-check.js';
import { type Nested, type Shape, shapeProblem } from './shape-check.js';

const ACCESS = { oneOf: ['read_write', 'read_only', 'write_only', 'none'] } as const;

const BINDING: Shape = {
  channelId: 'id', roomId: 'id', channelType: 'id', category: 'id', direction: 'id', access: ACCESS,
  muted: 'boolean', visibility: 'id', participantId: 'string?', attachedAt: 'id',
  capabilities: { shape: { mediaTypes: 'strings', custom: 'record?' } },
  rateLimit: 'record?', retryPolicy: 'record?', metadata: 'record',
};

/** Only the ref of a clip travels (`AudioRef`); the activity that reads it checks it in full. */
const AUDIO_REF: Nested = {
  shape: { id: 'string', format: { shape: { encoding: 'id', sampleRate: 'positive' } }, durationMs: 'number', bytes: 'count' },
};

const INBOUND_MESSAGE: Nested = {
  strict: true,
  shape: {
    channelId: 'id', senderId: 'id', content: 'content', eventType: 'id?', externalId: 'string?',
    threadId: 'string?', parentEventId: 'string?', idempotencyKey: 'id?', rawPayload: 'record?',
    providerMessageId: 'string?', metadata: 'record?', visibility: 'id?', addressedTo: 'strings?',
    responseVisibility: 'id?',
  },
};

const SEND_OPTIONS: Nested = {
  strict: true,
  shape: {
    eventType: 'id?', chainDepth: 'count?', participantId: 'string?', metadata: 'record?', visibility: 'id?',
    responseVisibility: 'id?', parentEventId: 'string?', idempotencyKey: 'id?', addressedTo: 'strings?',
  },
};

const DELIVERY_STATUS: Nested = {
  strict: true,
  shape: {
    roomId: 'id?', channelId: 'id', provider: 'id', messageId: 'id', status: 'id', recipient: 'string?',
    sender: 'string?', errorCode: 'string?', errorMessage: 'string?', timestamp: 'string?', raw: 'record?',
  },
};

const COMMANDS: { readonly [K in RoomCommandKind]: Shape } = {
  inbound: { message: INBOUND_MESSAGE, defaultBinding: { shape: BINDING }, replyContext: 'record?' },
  send: { channelId: 'id', content: 'content', options: SEND_OPTIONS },
  attach: { binding: { shape: BINDING } },
  detach: { channelId: 'id' },
  mute: { channelId: 'id' },
  unmute: { channelId: 'id' },
  setVisibility: { channelId: 'id', visibility: 'id' },
  setAccess: { channelId: 'id', access: ACCESS },
  updateMetadata: { metadata: 'record' },
  setTimers: { timers: { shape: { inactiveAfterSeconds: 'count?', closedAfterSeconds: 'count?' } } },
  close: {},
  archive: {},
  deliveryStatus: { status: DELIVERY_STATUS },
  describe: {},
  addParticipant: {
    participantId: 'id', channelId: 'id',
    options: { strict: true, shape: { displayName: 'string?', role: 'id?', identityId: 'id?', metadata: 'record?' } },
  },
  removeParticipant: { participantId: 'id', status: { oneOf: ['left', 'banned'] } },
  updateParticipant: {
    participantId: 'id', update: { strict: true, shape: { displayName: 'string?', role: 'id?', metadata: 'record?' } },
  },
  ensureParticipant: { participantId: 'id', channelId: 'id', displayName: 'string?' },
  resolveParticipant: { participantId: 'id', identityId: 'id', displayName: 'string?', resolvedBy: 'id' },
  utterance: {
    channelId: 'id', sessionId: 'id', senderId: 'id', audio: AUDIO_REF, speechStartedAt: 'string', speechEndedAt: 'string',
    language: 'string?', defaultBinding: { shape: BINDING },
  },
  bargeIn: { channelId: 'id', sessionId: 'id', eventId: 'id', playedMs: 'number', durationMs: 'positiveNumber?' },
};

const HOOK_SPEC: Shape = {
  name: 'id', trigger: 'id', execution: 'id', priority: 'number', timeoutMs: 'positiveNumber',
  channelTypes: 'strings?', channelIds: 'strings?', directions: 'strings?',
};

const ENVELOPE: Shape = {
  id: 'id',
  wait: { oneOf: ['delivered', 'committed'], optional: true },
  manifest: {
    optional: true,
    shape: {
      hooks: 'any', listens: 'strings', maxChainDepth: 'positive', idempotencyWindow: 'positive?',
      identity: { optional: true, shape: { timeoutMs: 'positive', channelTypes: 'strings?' } },
    },
  },
  command: { shape: { kind: 'id' } },
};

/**
 * What is wrong with `value` as a `CommandEnvelope`, as `path: problem`, or undefined when the room
 * can serve it.
 */
export function envelopeProblem(value: unknown): string | undefined {
  const problem = shapeProblem(value, ENVELOPE, '', contentProblem);
  if (problem) return problem;
  const envelope = value as { id: string; manifest?: { hooks: unknown }; command: { kind: string } };
  if (envelope.id.length > 200) return 'id: must be at most 200 characters';
  const hooks = envelope.manifest?.hooks;
  if (envelope.manifest && !Array.isArray(hooks)) return 'manifest.hooks: must be an array';
  for (const [i, hook] of (Array.isArray(hooks) ? hooks : []).entries()) {
    const hookProblem = shapeProblem(hook, HOOK_SPEC, `manifest.hooks.${i}`, contentProblem);
    if (hookProblem) return hookProblem;
  }
  const { kind } = envelope.command;
  if (!Object.hasOwn(COMMANDS, kind)) return `command.kind: unknown command ${kind}`;
  return shapeProblem(envelope.command, COMMANDS[kind as RoomCommandKind], 'command', contentProblem);
}
