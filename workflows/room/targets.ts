/**
 * Executing a broadcast plan: each target concurrently, as activities. Transports are delivered;
 * intelligence targets respond. Every outcome comes back as data.
 */
import { sleep } from '@temporalio/workflow';
import { isSolicited } from '../../src/core/addressing.js';
import { takeToken } from '../../src/core/rate-limit.js';
import { contentForTarget } from '../../src/core/transcode.js';
import type {
  ChannelBinding, DeliveryResult, RoomEvent,
} from '../../src/models/index.js';
import { deliverOps, respond } from './effects.js';
import { aiTurn } from './ai-turn.js';
import { aiFailure, describeFailure, failed, type TargetOutcome } from './outcomes.js';
import { rateLimitTimers } from './patches.js';
import { speak } from './speak.js';
import type { DeliverOutcome } from '../../activities/index.js';
import type { RoomState } from './state.js';


export async function runTarget(
  rs: RoomState, event: RoomEvent, target: ChannelBinding, source: ChannelBinding | undefined,
): Promise<TargetOutcome> {
  if (!isSolicited(event, target, source, rs.room.agentResponsePolicy)) return { kind: 'skipped', binding: target };
  const content = contentForTarget(event.content, target.capabilities);
  if (content === null) {
    return { kind: 'failed', binding: target, result: failed(target, { code: 'transcoding_failed', message: 'content cannot be shown on this channel', retryable: false }) };
  }
  const copy: RoomEvent = { ...event, content };
  if (target.category === 'intelligence' && target.channelType === 'ai') return aiTurn(rs, copy, target);
  // Voice bindings speak (runs recorded before the `voice` patch delivered them as text).
  if (rs.voice.enabled && target.category === 'transport' && target.channelType === 'voice') return speak(rs, copy, target, deliverBare);
  if (target.category === 'intelligence') {
    try {
      const output = await respond({ roomId: rs.room.id, event: copy, binding: target });
      return { kind: 'responded', binding: target, output };
    } catch (err) {
      const error = describeFailure(err);
      return aiFailure(target, { type: error.code, message: error.message }, error.retryable);
    }
  }
  return deliverBare(rs, copy, target);
}

/** Deliver an event as is (no transcoding) to one transport; used for plans and injected events. */
export async function deliverBare(
  rs: RoomState, event: RoomEvent, target: ChannelBinding, attemptOffset = 0,
): Promise<TargetOutcome> {
  await rateLimited(rs, target);
  try {
    const out = await deliverOps(target).deliver({
      roomId: rs.room.id, event, binding: target, ...(attemptOffset && { attemptOffset }),
    });
    return delivered(target, out);
  } catch (err) {
    return { kind: 'failed', binding: target, result: failed(target, describeFailure(err)) };
  }
}

/**
 * Several committed events to one transport in index order, in as few activities as possible (a
 * busy room's backlog). An event that fails retryably on its first attempt is retried alone, after
 * the binding's base delay, before the rest go out.
 */
export async function deliverBatchTo(rs: RoomState, events: RoomEvent[], target: ChannelBinding): Promise<TargetOutcome[]> {
  const outcomes: TargetOutcome[] = [];
  let from = 0;
  while (from < events.length) {
    try {
      const out = await deliverOps(target).deliverBatch({ roomId: rs.room.id, binding: target, events: events.slice(from) });
      for (const r of out.results) outcomes.push(delivered(target, r));
      from += out.results.length;
      if (out.retryFrom === undefined) continue;
      await sleep(Math.round((target.retryPolicy?.baseDelaySeconds ?? 1) * 1000));
      outcomes.push(await deliverBare(rs, events[from], target, 1));
      from += 1;
    } catch (err) {
      // The batch itself could not run (workers lost too often): the rest failed like a delivery would.
      const error = describeFailure(err);
      for (; from < events.length; from++) outcomes.push({ kind: 'failed', binding: target, result: failed(target, error) });
    }
  }
  return outcomes;
}

function delivered(target: ChannelBinding, out: DeliverOutcome): TargetOutcome {
  if (out.failed) {
    // A refusal keeps what the provider said (RoomKit keeps provider_result on failed results too).
    const result = failed(target, out.failed);
    if (out.providerResult) {
      result.providerResult = out.providerResult;
      if (out.providerResult.providerMessageId) result.providerMessageId = out.providerResult.providerMessageId;
    }
    return { kind: 'failed', binding: target, result };
  }
  const result: DeliveryResult = { channelId: target.channelId, status: 'sent' };
  if (out.providerResult) {
    result.providerResult = out.providerResult;
    if (out.providerResult.providerMessageId) result.providerMessageId = out.providerResult.providerMessageId;
  }
  return { kind: 'delivered', binding: target, result };
}

/**
 * Wait for the binding's token bucket on a durable timer: a delivery over the rate is delayed, never
 * dropped, and survives a worker restart while it waits.
 */
async function rateLimited(rs: RoomState, target: ChannelBinding): Promise<void> {
  // Rooms recorded before rate limits were enforced replay without the timers.
  const timers = rateLimitTimers();
  if (!target.rateLimit || !timers) return;
  const { bucket, waitMs } = takeToken(rs.buckets[target.channelId], target.rateLimit, Date.now());
  rs.buckets[target.channelId] = bucket;
  if (waitMs > 0) await sleep(waitMs);
}

