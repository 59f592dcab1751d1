/**
 * The RoomKit README quickstart, ported line for line. The one addition is `kit.start()`: rooms are
 * Temporal workflows, so the kit needs a server (TEMPORAL_ADDRESS, or an embedded dev server) and a
 * worker. Run: `npm run example:quickstart`.
 */
import {
  AIChannel, ChannelCategory, HookResult, HookTrigger, MockAIProvider, RoomKit, WebSocketChannel,
  temporalConfigFromEnv,
} from '../src/index.js';

async function main(): Promise<void> {
  const kit = new RoomKit({ temporal: temporalConfigFromEnv() });

  // Register channels
  const ws = new WebSocketChannel('ws-user');
  const ai = new AIChannel('ai-bot', { provider: new MockAIProvider({ responses: ['Hello!'] }) });
  kit.registerChannel(ws);
  kit.registerChannel(ai);
  await kit.start();

  // Create a room and attach channels
  await kit.createRoom({ roomId: 'room-1' });
  await kit.attachChannel('room-1', 'ws-user');
  await kit.attachChannel('room-1', 'ai-bot', { category: ChannelCategory.INTELLIGENCE });

  // Add a broadcast hook
  kit.hook(HookTrigger.BEFORE_BROADCAST, { name: 'filter' }, async (event) => {
    if (event.content.type === 'text' && event.content.body.includes('spam')) {
      return HookResult.block('spam detected');
    }
    return HookResult.allow();
  });

  // Process a message — it gets stored, broadcast, and the AI responds
  const result = await kit.processInbound({
    channelId: 'ws-user', senderId: 'user-1', content: { type: 'text', body: 'Hi' },
  });
  console.log(result.blocked); // false

  // View conversation history
  for (const event of await kit.store.listEvents('room-1')) {
    const body = 'body' in event.content ? event.content.body : '';
    console.log(`[${event.source.channelId}] ${body}`);
  }

  await kit.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
