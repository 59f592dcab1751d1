/**
 * Fuzz properties over the content models and the transcoder (issue «Operable and private», item 6):
 * the zod schemas at every boundary never throw, whatever they are given (deep nesting, hostile
 * strings, prototype keys), what they accept survives JSON unchanged, and transcoding any valid
 * content for any channel's capabilities never throws. `ROOMKIT_FUZZ_RUNS` for more cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentForTarget, transcode } from '../../../src/core/transcode.js';
import {
  ChannelCapabilities, ChannelMediaType, CreateRoomOptions, EventContent, InboundMessage, RoomId,
} from '../../../src/models/index.js';
import { RUNS, hostileNumber, hostileString, hostileValue } from './arbitraries.js';

/** Nested arrays/objects `depth` levels deep around `leaf` (past the JSON depth limit too). */
const nested = fc.tuple(fc.integer({ min: 1, max: 5_000 }), fc.boolean(), hostileValue).map(([depth, arrays, leaf]) => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
});

const url = fc.oneof(fc.webUrl(), hostileString, fc.constantFrom('data:text/plain;base64,aGk=', 'javascript:alert(1)', 'https://'));
const text = fc.oneof(hostileString, fc.string({ maxLength: 200 }));

/** Contents shaped like the real ones (many parse), with hostile values in every field. */
const leafContent = fc.oneof(
  fc.record({ type: fc.constant('text'), body: text }),
  fc.record({ type: fc.constant('rich'), body: text, format: fc.constantFrom('markdown', 'html', 'xml'), buttons: fc.array(fc.dictionary(hostileString, hostileValue), { maxLength: 3 }), quickReplies: fc.array(text, { maxLength: 3 }) }, { requiredKeys: ['type', 'body'] }),
  fc.record({ type: fc.constant('media'), url, mimeType: text, sizeBytes: hostileNumber, caption: text }, { requiredKeys: ['type', 'url', 'mimeType'] }),
  fc.record({ type: fc.constant('location'), latitude: hostileNumber, longitude: hostileNumber, label: text }, { requiredKeys: ['type', 'latitude', 'longitude'] }),
  fc.record({ type: fc.constantFrom('audio', 'video'), url, durationSeconds: hostileNumber, transcript: text }, { requiredKeys: ['type', 'url'] }),
  fc.record({ type: fc.constant('system'), body: text, data: fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }) }, { requiredKeys: ['type', 'body'] }),
  fc.record({ type: fc.constant('template'), templateId: text, parameters: fc.dictionary(hostileString, text, { maxKeys: 3 }), body: text }, { requiredKeys: ['type', 'templateId'] }),
  fc.record({ type: fc.constant('delete'), targetEventId: text, deleteType: fc.constantFrom('sender', 'admin', 'nobody') }, { requiredKeys: ['type', 'targetEventId'] }),
  fc.record({ type: fc.constant('tool_call'), toolName: text, toolId: text, arguments: fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }), result: text, status: fc.constantFrom('pending', 'completed', 'failed', 'lost'), structuredContent: hostileValue }, { requiredKeys: ['type', 'toolName', 'toolId'] }),
);
const content: fc.Arbitrary<unknown> = fc.letrec<{ c: unknown }>((tie) => ({
  c: fc.oneof(
    { weight: 6, arbitrary: leafContent },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('composite'), parts: fc.array(tie('c'), { maxLength: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('edit'), targetEventId: text, newContent: tie('c') }) },
  ),
})).c;

const capabilities = fc.record({
  mediaTypes: fc.subarray(Object.values(ChannelMediaType)),
  maxLength: fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: undefined }),
  supportsRichText: fc.boolean(), supportsButtons: fc.boolean(), supportsMedia: fc.boolean(), supportsQuickReplies: fc.boolean(),
}).map((c) => ChannelCapabilities.parse(JSON.parse(JSON.stringify(c))));

const anything = fc.oneof(hostileValue, nested, content, fc.anything());

/**
 * safeParse must answer, never throw; what it accepts must serialise stably (stored, sent to
 * Temporal and read back as the same JSON; -0 is 0 in JSON, as everywhere it travels).
 */
function neverThrows(schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }, input: unknown): void {
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    const json = JSON.stringify(parsed.data);
    expect(JSON.stringify(JSON.parse(json))).toBe(json);
  }
}

describe('fuzz: content models and the transcoder', () => {
  it(`EventContent: safeParse never throws, and accepted content round-trips through JSON (${RUNS} cases)`, () => {
    let accepted = 0;
    fc.assert(fc.property(fc.oneof({ weight: 3, arbitrary: content }, { weight: 1, arbitrary: anything }), (input) => {
      neverThrows(EventContent, input);
      if (EventContent.safeParse(input).success) accepted++;
    }), { numRuns: RUNS });
    // The generator is shaped like real content: a good share of the cases reach the transcoder.
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });

  it(`InboundMessage, RoomId and CreateRoomOptions: safeParse never throws (${RUNS} cases each)`, () => {
    const message = fc.record({ channelId: hostileString, senderId: hostileString, content: fc.oneof(content, anything), idempotencyKey: hostileString, metadata: fc.oneof(nested, hostileValue) }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(message, anything), (input) => neverThrows(InboundMessage, input)), { numRuns: RUNS });
    fc.assert(fc.property(fc.oneof(hostileString, anything), (input) => neverThrows(RoomId, input)), { numRuns: RUNS });
    const room = fc.record({ roomId: hostileString, metadata: fc.oneof(nested, hostileValue), timers: hostileValue }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(room, anything), (input) => neverThrows(CreateRoomOptions, input)), { numRuns: RUNS });
  });

  it(`transcoding any valid content for any channel's capabilities never throws (${RUNS} cases)`, () => {
    const valid = content.map((c) => EventContent.safeParse(c)).filter((r) => r.success).map((r) => r.data as EventContent);
    fc.assert(fc.property(valid, capabilities, (c, caps) => {
      // Never throws; the delivered copy may exceed the stored models' limits (a template's body is
      // unbounded), which is the provider's to refuse, so only the shape is checked here.
      const out = transcode(c, caps);
      if (out !== null) expect(typeof out.type).toBe('string');
      const target = contentForTarget(c, caps);
      // RoomKit: L = max(3, maxLength), the delivered copy is body[:L-3] + "..." when longer.
      if (target !== null && caps.maxLength !== undefined && target.type === 'text') expect(target.body.length).toBeLessThanOrEqual(Math.max(3, caps.maxLength));
    }), { numRuns: RUNS });
  });
});
