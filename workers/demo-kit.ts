/**
 * The kit definition shared by every process of the demo service (all-in-one, worker, HTTP):
 * a browser WebSocket channel, an SMS channel over the mock provider, and a mock AI that answers.
 */
import {
  AIChannel, HookResult, HookTrigger, MockAIProvider, MockSMSProvider, RoomKit, SMSChannel, WebSocketChannel,
} from '../src/index.js';
import type { ServiceConfig } from './config.js';

export const WS_CHANNEL = 'ws-user';

export function buildKit(config: ServiceConfig): RoomKit {
  const kit = new RoomKit({
    temporal: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
  });
  kit.registerChannel(new WebSocketChannel(WS_CHANNEL));
  kit.registerChannel(new SMSChannel('sms', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
  kit.registerChannel(new AIChannel('ai-bot', {
    provider: new MockAIProvider({ responses: ['Hello! I am the demo assistant.', 'Noted.', 'Anything else?'] }),
    systemPrompt: 'You are a helpful assistant.',
  }));
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
    await kit.attachChannel(roomId, 'ai-bot');
  } catch (err) {
    if ((err as Error).name !== 'RoomAlreadyExistsError') throw err;
  }
}
