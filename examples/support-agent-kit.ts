/**
 * The support agent, as a reusable kit definition: a `lookup_order` tool over a small in-file order
 * table and an AI channel that may call it. Shared by `examples/support-agent.ts` and the demo
 * service (`workers/demo-kit.ts`); the caller chooses the model provider.
 */
import { z } from 'zod';
import { AIChannel, MockAIProvider, type AIProvider, type AIResponse, type RoomKit } from '../src/index.js';
import type { MockAIProviderOptions } from '../src/providers/ai/mock.js';

export interface Order {
  status: 'processing' | 'shipped' | 'delivered';
  /** Expected (or actual) delivery date. */
  eta: string;
}

/** The shop's "database". */
export const ORDERS: Readonly<Record<string, Order>> = {
  A1001: { status: 'shipped', eta: '2026-03-14' },
  A1002: { status: 'processing', eta: '2026-03-20' },
  A1003: { status: 'delivered', eta: '2026-03-02' },
};

/** What the tool returns to the model. */
export function lookupOrder(orderId: string): { order_id: string } & Order | { error: string } {
  const id = orderId.trim().toUpperCase();
  const order = ORDERS[id];
  return order ? { order_id: id, ...order } : { error: 'order not found' };
}

export const SUPPORT_SYSTEM_PROMPT = [
  'You are the customer support agent of an online shop.',
  'When a customer asks about an order, call the lookup_order tool with its id before answering,',
  'then tell them its status and expected delivery date. If the order is not found, say so and ask',
  'them to check the id. Be brief and friendly.',
].join(' ');

export interface SupportAgentOptions {
  provider: AIProvider;
  /** Default `support-agent`. */
  channelId?: string;
}

/**
 * Registers the `lookup_order` tool and the support AI channel on `kit` (before `kit.start()`).
 *
 * @example
 * const agent = buildSupportAgent(kit, { provider: mockSupportProvider() });
 * await kit.attachChannel('room-1', agent.channelId);
 */
export function buildSupportAgent(kit: RoomKit, { provider, channelId = 'support-agent' }: SupportAgentOptions): AIChannel {
  kit.tool({
    name: 'lookup_order',
    description: 'Look up an order by its id (e.g. A1001): returns its status and expected delivery date.',
    parameters: z.object({ order_id: z.string().min(1).describe('The order id, e.g. A1001') }),
    handler: ({ order_id }) => lookupOrder(order_id),
  });
  const agent = new AIChannel(channelId, { provider, tools: ['lookup_order'], systemPrompt: SUPPORT_SYSTEM_PROMPT });
  kit.registerChannel(agent);
  return agent;
}

/**
 * A mock model scripted like an agent answering "Where is my order A1001?": the first generation
 * of a turn calls `lookup_order`, the second answers with what the tool returned. Round-robin, so
 * every later turn does the same (a mock cannot read the conversation).
 */
export function mockSupportProvider(orderId = 'A1001', options: Pick<MockAIProviderOptions, 'streaming' | 'chunkDelayMs'> = {}): MockAIProvider {
  const found = lookupOrder(orderId);
  const answer = 'error' in found ? `I could not find order ${orderId}. Could you check the order id?` : {
    processing: `Your order ${found.order_id} is being prepared; it should arrive on ${found.eta}.`,
    shipped: `Your order ${found.order_id} has shipped and should arrive on ${found.eta}.`,
    delivered: `Your order ${found.order_id} was delivered on ${found.eta}.`,
  }[found.status];
  const script: AIResponse[] = [
    { content: '', toolCalls: [{ id: `lookup-${orderId}`, name: 'lookup_order', arguments: { order_id: orderId } }], finishReason: 'tool_use' },
    { content: answer, finishReason: 'stop' },
  ];
  return new MockAIProvider({ aiResponses: script, ...options });
}
