/**
 * A support agent with a tool: a customer on a WebSocket channel asks about an order, the AI calls
 * `lookup_order` (a durable tool loop: each generation and each tool call is an activity) and
 * answers with the result. Run: `npm run example:support-agent`.
 *
 * With ANTHROPIC_API_KEY set the agent is Claude (ANTHROPIC_MODEL optional); without it, a mock
 * model scripted for this conversation. This file is a composition root: the only place that reads
 * the environment.
 */
import { RoomKit, WebSocketChannel, temporalConfigFromEnv, type AIProvider, type RoomEvent } from '../src/index.js';
import { createAnthropicProvider } from '../src/providers/anthropic/index.js';
import { buildSupportAgent, mockSupportProvider } from './support-agent-kit.js';

function providerFromEnv(env: NodeJS.ProcessEnv): AIProvider {
  const apiKey = env.ANTHROPIC_API_KEY;
  if (!apiKey) {
    console.error('ANTHROPIC_API_KEY is not set: using a mock model scripted for this conversation.');
    return mockSupportProvider('A1001');
  }
  const model = env.ANTHROPIC_MODEL || undefined;
  const provider = createAnthropicProvider({ apiKey, ...(model && { model }) });
  console.error(`Using Anthropic (${provider.modelName}).`);
  return provider;
}

/** One line per timeline event: `[channel] text`, tool calls as `[channel] tool name(args) -> result`. */
function describeEvent(event: RoomEvent): string {
  const from = `[${event.source.channelId}]`;
  const c = event.content;
  if (c.type === 'tool_call') {
    const call = `tool ${c.toolName}(${JSON.stringify(c.arguments ?? {})})`;
    return event.type === 'tool_call_start' ? `${from} ${call} ...` : `${from} ${call} -> ${c.result ?? ''}`;
  }
  return `${from} ${'body' in c ? c.body : `(${c.type})`}`;
}

async function main(): Promise<void> {
  const kit = new RoomKit({ temporal: temporalConfigFromEnv() });
  kit.registerChannel(new WebSocketChannel('ws-user'));
  const agent = buildSupportAgent(kit, { provider: providerFromEnv(process.env) });
  await kit.start();

  await kit.createRoom({ roomId: 'support-1' });
  await kit.attachChannel('support-1', 'ws-user');
  await kit.attachChannel('support-1', agent.channelId);

  // The customer asks; processInbound returns once the agent's whole turn (tool calls included) is stored.
  await kit.processInbound(
    { channelId: 'ws-user', senderId: 'customer-1', content: { type: 'text', body: 'Where is my order A1001?' } },
    { roomId: 'support-1' },
  );

  for (const event of await kit.store.listEvents('support-1', { limit: 100 })) console.log(describeEvent(event));
  await kit.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
