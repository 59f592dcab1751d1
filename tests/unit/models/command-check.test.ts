/**
 * The room workflow's light check of a command envelope (`src/models/command-check.ts`) against the
 * zod schema the room client checks with: it refuses what would break the room, and it never
 * refuses what zod accepts (a signal is checked again on replay, so a stricter check would drop on
 * replay a command that was served live).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeProblem } from '../../../src/models/command-check.js';
import { CommandEnvelope, EMPTY_MANIFEST, type RoomCommand } from '../../../src/models/index.js';
import { RUNS, mutate, mutation } from '../fuzz/arbitraries.js';

const binding = {
  channelId: 'sms', roomId: 'r1', channelType: 'sms', category: 'transport', direction: 'bidirectional',
  access: 'read_write', muted: false, visibility: 'all', attachedAt: '2026-12-07T00:00:00.000Z',
  capabilities: { mediaTypes: ['text'], maxLength: 1600 }, metadata: { phoneNumber: '+15550000001' },
  retryPolicy: { maxRetries: 3, baseDelaySeconds: 1, maxDelaySeconds: 60, exponentialBase: 2 },
};
const text = { type: 'text' as const, body: 'hello' };

/** One valid command of every kind (the table in `command-check.ts` is typed to have them all). */
const COMMANDS: RoomCommand[] = [
  {
    kind: 'inbound',
    message: { channelId: 'sms', senderId: '+15550000001', content: text, idempotencyKey: 'k1', metadata: { a: [1, { b: null }] } },
    defaultBinding: binding as never, replyContext: { thread: 't1' },
  },
  { kind: 'send', channelId: 'ai', content: { type: 'composite', parts: [text, { type: 'media', url: 'https://x/y.png', mimeType: 'image/png' }] }, options: { chainDepth: 1 } },
  { kind: 'attach', binding: binding as never },
  { kind: 'detach', channelId: 'sms' },
  { kind: 'mute', channelId: 'sms' },
  { kind: 'unmute', channelId: 'sms' },
  { kind: 'setVisibility', channelId: 'sms', visibility: 'none' },
  { kind: 'setAccess', channelId: 'sms', access: 'read_only' },
  { kind: 'updateMetadata', metadata: { topic: 'billing' } },
  { kind: 'setTimers', timers: { inactiveAfterSeconds: 60 } },
  { kind: 'close' },
  { kind: 'archive' },
  { kind: 'deliveryStatus', status: { channelId: 'sms', provider: 'twilio', messageId: 'SM1', status: 'delivered' } as never },
  { kind: 'describe' },
  { kind: 'addParticipant', participantId: 'p1', channelId: 'sms', options: { role: 'member' } },
  { kind: 'removeParticipant', participantId: 'p1', status: 'left' },
  { kind: 'updateParticipant', participantId: 'p1', update: { displayName: 'Ann' } },
  { kind: 'ensureParticipant', participantId: 'p1', channelId: 'sms' },
  { kind: 'resolveParticipant', participantId: 'p1', identityId: 'id-1', resolvedBy: 'hook' },
  { kind: 'send', channelId: 'ai', content: { type: 'edit', targetEventId: 'e1', newContent: text }, options: {} },
];

const manifest = {
  ...EMPTY_MANIFEST,
  hooks: [{ name: 'audit', trigger: 'before_broadcast', execution: 'sync', priority: 0, timeoutMs: 5000, channelIds: ['sms'] }],
  listens: ['room_opened'],
  identity: { timeoutMs: 2000 },
};
const envelopes = COMMANDS.map((command, i) => ({ id: `cmd-${i}`, manifest, wait: 'committed', command }));

describe('command envelope check of the room workflow', () => {
  it('accepts a valid envelope of every command kind, as zod does', () => {
    for (const envelope of envelopes) {
      expect(CommandEnvelope.safeParse(envelope).success, envelope.command.kind).toBe(true);
      expect(envelopeProblem(envelope), envelope.command.kind).toBeUndefined();
    }
    expect(envelopeProblem({ id: 'bare', command: { kind: 'describe' } })).toBeUndefined();
  });

  it('refuses, naming the field, what zod refuses and the room would trip on', () => {
    const inbound = envelopes[0];
    const cases: Array<[unknown, string]> = [
      ['garbage', '(root): must be an object'],
      [{}, 'id: required'],
      [{ id: '', command: { kind: 'describe' } }, 'id: must be a non-empty string'],
      [{ id: 'x'.repeat(201), command: { kind: 'describe' } }, 'id: must be at most 200 characters'],
      [{ id: 'a', command: { kind: 'selfDestruct' } }, 'command.kind: unknown command selfDestruct'],
      [{ id: 'a', command: { kind: '__proto__' } }, 'command.kind: unknown command __proto__'],
      [{ id: 'a', wait: 'soon', command: { kind: 'describe' } }, 'wait: must be one of delivered, committed'],
      [{ id: 'a', command: { kind: 'inbound', message: { channelId: 'x' } } }, 'command.message.senderId: required'],
      [{ ...inbound, command: { ...inbound.command, message: { channelId: 'sms', senderId: 's', content: { type: 'text' } } } }, 'command.message.content.body: required'],
      [{ ...inbound, command: { ...inbound.command, message: { channelId: 'sms', senderId: 's', content: text, extra: 1 } } }, 'command.message.extra: unknown key'],
      [{ ...inbound, command: { ...inbound.command, defaultBinding: { ...binding, access: 'all' } } }, 'command.defaultBinding.access: must be one of read_write, read_only, write_only, none'],
      [{ id: 'a', command: { kind: 'send', channelId: 'ai', content: { type: 'media', url: 'javascript:alert(1)', mimeType: 'x' }, options: {} } }, 'command.content.url: must be an http(s) or data: URL of at most 65536 characters'],
      [{ id: 'a', command: { kind: 'send', channelId: 'ai', content: { type: 'composite', parts: [] }, options: {} } }, 'command.content.parts: composite content needs at least one part'],
      [{ id: 'a', command: { kind: 'removeParticipant', participantId: 'p', status: 'gone' } }, 'command.status: must be one of left, banned'],
      [{ id: 'a', manifest: { ...manifest, hooks: [{ name: 'h' }] }, command: { kind: 'describe' } }, 'manifest.hooks.0.trigger: required'],
      [{ id: 'a', command: { kind: 'updateMetadata', metadata: { n: Number.NaN } } }, 'command.metadata: must be a JSON value (string, finite number, boolean, null, array or object)'],
    ];
    for (const [input, problem] of cases) {
      expect(CommandEnvelope.safeParse(input).success, problem).toBe(false);
      expect(envelopeProblem(input)).toBe(problem);
    }
  });

  it('refuses composite content nested deeper than the content model allows', () => {
    let content: unknown = text;
    for (let i = 0; i < 6; i++) content = { type: 'composite', parts: [content] };
    const envelope = { id: 'a', command: { kind: 'send', channelId: 'ai', content, options: {} } };
    expect(CommandEnvelope.safeParse(envelope).success).toBe(false);
    expect(envelopeProblem(envelope)).toMatch(/may nest at most 5 levels/);
  });

  it(`never refuses an envelope zod accepts, and never throws (${RUNS} mutated envelopes)`, () => {
    fc.assert(fc.property(fc.constantFrom(...envelopes), fc.array(mutation, { minLength: 1, maxLength: 3 }), (envelope, mutations) => {
      const input = mutate(envelope, mutations);
      const problem = envelopeProblem(input);
      if (CommandEnvelope.safeParse(input).success) expect(problem).toBeUndefined();
    }), { numRuns: RUNS });
  });
});
