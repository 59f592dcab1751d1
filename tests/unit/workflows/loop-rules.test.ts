/**
 * The command loop's decisions, without Temporal: when a busy room drains, who is still served while
 * it does, and what a continue-as-new carries.
 */
import { describe, expect, it } from 'vitest';
import { newRoom } from '../../../src/kit/builders.js';
import type { CommandEnvelope, KitManifest } from '../../../src/models/index.js';
import {
  callersWaiting, continueAsNewInput, drainDue, DRAIN_AFTER_EVENTS, hasWork,
} from '../../../workflows/room/loop-rules.js';
import { RoomState } from '../../../workflows/room/state.js';

const manifest: KitManifest = { hooks: [], listens: [], maxChainDepth: 5 };
const room = () => new RoomState({ room: newRoom('loop-rules'), manifest });
const envelope = (id: string): CommandEnvelope => ({ id, manifest, command: { kind: 'describe' } });

describe('command loop rules', () => {
  it('has work when a command is queued or an AI answer waits', () => {
    const rs = room();
    expect(hasWork(rs)).toBe(false);
    rs.queue.push({ envelope: envelope('a'), awaited: false });
    expect(hasWork(rs)).toBe(true);
  });

  it('serves update callers and AI answers while draining, but not signals', () => {
    const rs = room();
    rs.queue.push({ envelope: envelope('signal'), awaited: false });
    expect(callersWaiting(rs)).toBe(false);
    rs.queue.push({ envelope: envelope('update'), awaited: true });
    expect(callersWaiting(rs)).toBe(true);
  });

  it(`drains only ${DRAIN_AFTER_EVENTS} events after the first continue-as-new suggestion`, () => {
    const rs = room();
    expect(drainDue(rs, { continueAsNewSuggested: false, historyLength: 10_000 })).toBe(false);
    expect(rs.suggestedAtLength).toBeUndefined();
    expect(drainDue(rs, { continueAsNewSuggested: true, historyLength: 1_000 })).toBe(false);
    expect(rs.suggestedAtLength).toBe(1_000);
    expect(drainDue(rs, { continueAsNewSuggested: true, historyLength: 1_000 + DRAIN_AFTER_EVENTS - 1 })).toBe(false);
    expect(drainDue(rs, { continueAsNewSuggested: true, historyLength: 1_000 + DRAIN_AFTER_EVENTS })).toBe(true);
    // Once draining, it stays so for the rest of the run.
    expect(drainDue(rs, { continueAsNewSuggested: true, historyLength: 1_000 + DRAIN_AFTER_EVENTS + 1 })).toBe(true);
  });

  it('never drains a closed room (it refuses writes and completes instead)', () => {
    const rs = room();
    rs.room = { ...rs.room, status: 'closed' };
    expect(drainDue(rs, { continueAsNewSuggested: true, historyLength: 99_999 })).toBe(false);
  });

  it('carries the room, its manifest and its state into the next run, which rebuilds the same room', () => {
    const rs = room();
    rs.queue.push({ envelope: envelope('carried-signal'), awaited: false });
    rs.processed = 7;
    const input = continueAsNewInput(rs);
    expect(input.room).toBe(rs.room);
    expect(input.manifest).toBe(rs.manifest);
    const next = new RoomState(JSON.parse(JSON.stringify(input)));
    expect(next.room).toEqual(rs.room);
    expect(next.queue.map((q) => q.envelope.id)).toEqual(['carried-signal']);
    expect(next.processed).toBe(7);
  });
});
