/**
 * One run of a source (one activity attempt): validate and emit its messages through the kit's
 * inbound path, keep its health, heartbeat it (with the resume point), and report its framework
 * events. The activity adapts this to Temporal; restarts are the activity's retries.
 */
import { RoomKitValidationError } from '../errors.js';
import type { FrameworkEvent, InboundResult, ParsedInboundMessage } from '../models/index.js';
import { InboundMessage } from '../models/index.js';
import type { SourceHeartbeat, SourceRunInput, SourceStatus } from '../models/source.js';
import { Limiter } from './limiter.js';
import type { SourceContext, SourceProvider } from './source.js';

export interface SourceRunDeps {
  /** The kit's inbound path (processInbound up to the commit). */
  inbound(message: ParsedInboundMessage): Promise<InboundResult>;
  emitEvent(event: FrameworkEvent): Promise<void>;
  heartbeat(details: SourceHeartbeat): void;
}

export interface SourceRunAttempt {
  attempt: number;
  /** The last heartbeat of an earlier attempt (counters and checkpoint carry over). */
  previous?: SourceHeartbeat;
  signal: AbortSignal;
}

/** Keep the connection's liveness visible even when no message arrives. */
const HEARTBEAT_EVERY_MS = 1000;

/** Resolves when the source stopped (by itself or on abort); rejects with the source's failure. */
export async function runSource(
  source: SourceProvider, input: SourceRunInput, run: SourceRunAttempt, deps: SourceRunDeps,
): Promise<SourceHeartbeat> {
  const { channelId } = input;
  const health: SourceHeartbeat = {
    attempt: run.attempt,
    status: run.attempt > 1 ? 'reconnecting' : 'connecting',
    messagesReceived: run.previous?.messagesReceived ?? 0,
    ...(run.previous?.lastMessageAt && { lastMessageAt: run.previous.lastMessageAt }),
    ...(run.previous?.checkpoint && { checkpoint: run.previous.checkpoint }),
  };
  const beat = () => deps.heartbeat({ ...health });
  const event = (type: string, data: Record<string, unknown>) =>
    deps.emitEvent({ type, channelId, timestamp: new Date().toISOString(), data: { source_name: source.name, ...data } });
  const limiter = new Limiter(input.maxConcurrentEmits);

  const refuse = async (err: RoomKitValidationError): Promise<InboundResult> => {
    await event('source_message_refused', { field: err.field, error: err.message });
    return { blocked: true, reason: 'invalid_message', error: { type: err.name, message: err.message }, deliveryResults: {} };
  };

  const emit = (raw: unknown) => limiter.run(async (): Promise<InboundResult> => {
    health.messagesReceived++;
    health.lastMessageAt = new Date().toISOString();
    beat();
    const candidate = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { channelId, ...raw } : raw;
    const parsed = InboundMessage.safeParse(candidate);
    if (!parsed.success) return refuse(new RoomKitValidationError('source message', parsed.error.issues));
    if (parsed.data.channelId !== channelId) {
      return refuse(new RoomKitValidationError('source message', [
        { code: 'custom', path: ['channelId'], message: `a source attached to ${channelId} cannot emit for ${parsed.data.channelId}`, input: parsed.data.channelId },
      ]));
    }
    return deps.inbound(parsed.data);
  });

  const context: SourceContext = {
    channelId,
    attempt: run.attempt,
    ...(run.previous?.checkpoint !== undefined && { resumeFrom: run.previous.checkpoint }),
    signal: run.signal,
    setStatus(status: SourceStatus, error?: string) {
      const was = health.status;
      health.status = status;
      if (status === 'connected') {
        health.connectedAt = new Date().toISOString();
        delete health.error;
        if (was !== 'connected') void event('source_connected', { attempt: run.attempt });
      } else if (error !== undefined) {
        health.error = error;
      }
      beat();
    },
    checkpoint(position: string) {
      health.checkpoint = position;
      beat();
    },
  };

  const stop = () => void source.stop().catch(() => undefined);
  run.signal.addEventListener('abort', stop, { once: true });
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  beat();
  try {
    await source.start(emit, context);
    health.status = 'stopped';
    beat();
    return { ...health };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    health.status = 'error';
    health.error = message;
    beat();
    if (!run.signal.aborted) await event('source_error', { error: message, attempt: run.attempt });
    throw err;
  } finally {
    clearInterval(timer);
    run.signal.removeEventListener('abort', stop);
  }
}
