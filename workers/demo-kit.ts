/**
 * The kit definition shared by every process of the demo service (all-in-one, worker, HTTP):
 * a browser WebSocket channel, an SMS channel over the mock provider, and the support agent of
 * `examples/support-agent-kit.ts` (Claude when ANTHROPIC_API_KEY is configured, else a scripted mock).
 */
import {
  HookResult, HookTrigger, MockSMSProvider, RoomKit, SMSChannel, WebSocketChannel, type AIProvider,
} from '../src/index.js';
import { createAnthropicProvider } from '../src/providers/anthropic/index.js';
import { buildSupportAgent, mockSupportProvider } from '../examples/support-agent-kit.js';
import type { ServiceConfig } from './config.js';

export const WS_CHANNEL = 'ws-user';
export const AI_CHANNEL = 'ai-bot';

/**
 * Claude when a key is configured. Otherwise a deterministic mock: every turn it looks up order
 * A1001 and answers with the result, whatever was asked (a mock cannot read the conversation).
 */
function supportProvider(config: ServiceConfig): AIProvider {
  if (!config.ANTHROPIC_API_KEY) return mockSupportProvider('A1001');
  return createAnthropicProvider({ apiKey: config.ANTHROPIC_API_KEY, ...(config.ANTHROPIC_MODEL && { model: config.ANTHROPIC_MODEL }) });
}

export function buildKit(config: ServiceConfig): RoomKit {
  const kit = new RoomKit({
    temporal: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
  });
  kit.registerChannel(new WebSocketChannel(WS_CHANNEL));
  kit.registerChannel(new SMSChannel('sms', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
  buildSupportAgent(kit, { provider: supportProvider(config), channelId: AI_CHANNEL });
  kit.hook(HookTrigger.BEFORE_BROADCAST, { name: 'spam_filter' }, (event) =>
    event.content.type === 'text' && event.content.body.toLowerCase().includes('spam')
      ? HookResult.block('spam detected')
      : HookResult.allow(),
  );
  return kit;
}

/** The demo room exists once per server; a restart against a persistent server finds it. */
export async function ensureDemoRoom(kit: RoomKit, roomId: string): Promise<void> {
  try {
    await kit.createRoom({ roomId, metadata: { demo: true } });
    await kit.attachChannel(roomId, WS_CHANNEL);
    await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
    await kit.attachChannel(roomId, AI_CHANNEL);
  } catch (err) {
    if ((err as Error).name !== 'RoomAlreadyExistsError') throw err;
  }
}
