import { ApplicationFailure } from '@temporalio/common';
import type { Channel } from '../src/channels/channel.js';
import type { HookRegistry } from '../src/hooks/registry.js';
import type { ToolRegistry } from '../src/tools/registry.js';
import type { FrameworkEventBus } from '../src/hooks/framework-events.js';
import type { CircuitBreakerRegistry } from '../src/resilience/circuit-breaker.js';
import type { ConversationStore } from '../src/store/conversation-store.js';
import type { KitManifest } from '../src/models/index.js';
import type { RoomRealtime } from '../src/realtime/room-realtime.js';
import type { RoomKitMetrics } from '../src/telemetry/metrics.js';
import type { SourceDeps } from './sources.js';
import type { IdentityOptions } from '../src/identity/resolver.js';
import type { KitVoiceDeps } from './voice.js';

/** What activities need from the kit: its registries and store, injected at worker creation. */
export interface ActivityDeps {
  store: ConversationStore;
  channels: { get(channelId: string): Channel | undefined };
  hooks: HookRegistry;
  tools: ToolRegistry;
  events: FrameworkEventBus;
  /** Per-channel circuit breakers shared by every room this worker serves. */
  breakers?: CircuitBreakerRegistry;
  /** This worker's hooks, listeners and limits, as the rooms it serves must run them. */
  manifest: () => KitManifest;
  /** Tool progress, thinking and the AI's typing for UIs (ephemeral events); absent ⇒ not published. */
  realtime?: RoomRealtime;
  /** Where deliveries, hooks, AI generations and tool calls are counted; absent ⇒ not recorded. */
  metrics?: RoomKitMetrics;
  /** Event sources this worker can run and the inbound path they emit into; absent ⇒ none here. */
  sources?: SourceDeps;
  /** The worker's identity resolver (RoomKit §11); absent ⇒ rooms never ask. */
  identity?: IdentityOptions;
  /** STT/TTS engines and the audio store (the kit's `voice` option); absent ⇒ no voice activities here. */
  voice?: KitVoiceDeps;
}

/** The worker's channel for a binding; a missing one is permanent (retrying cannot register it). */
export function channelFor(deps: Pick<ActivityDeps, 'channels'>, channelId: string): Channel {
  const channel = deps.channels.get(channelId);
  if (!channel) {
    throw ApplicationFailure.nonRetryable(`channel ${channelId} is not registered on this worker`, 'ChannelNotRegisteredError');
  }
  return channel;
}
