import { describe, expect, it } from 'vitest';
import { TeamsChannel } from '../../../src/channels/teams.js';
import { ProviderActionError, ProviderDeliveryError } from '../../../src/errors.js';
import { MockTeamsProvider } from '../../../src/providers/teams/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

const ctx = makeContext();
const binding = (metadata: Record<string, unknown>) =>
  makeBinding({ channelId: 'teams-main', channelType: 'teams', metadata });

describe('TeamsChannel', () => {
  it('declares RoomKit\'s Teams type, recipient key and capabilities', () => {
    const channel = new TeamsChannel('teams-main', { provider: new MockTeamsProvider() });
    expect(channel.channelType).toBe('teams');
    expect(channel.recipientKey).toBe('teamsConversationId');
    expect(channel.capabilities()).toEqual({
      mediaTypes: ['text', 'rich'], maxLength: 28000, supportsThreading: true, supportsReactions: true,
      supportsEdit: true, supportsDelete: true, supportsReadReceipts: true, supportsTyping: true, supportsRichText: true,
    });
    expect(channel.providerName).toBe('mock-teams');
  });

  it('sends to the binding\'s conversation id and passes the binding\'s serviceUrl along', async () => {
    const teams = new MockTeamsProvider();
    const channel = new TeamsChannel('teams-main', { provider: teams });
    const out = await channel.deliver(makeEvent({ content: { type: 'text', body: 'Hi team' } }),
      binding({ teamsConversationId: 'a:1pL6i0oY3C0K8oAj8', serviceUrl: 'https://smba.trafficmanager.net/amer/' }), ctx);
    expect(out.providerResult).toEqual({ success: true, providerMessageId: 'mock-teams-1' });
    expect(teams.calls[0]).toMatchObject({
      to: 'a:1pL6i0oY3C0K8oAj8', serviceUrl: 'https://smba.trafficmanager.net/amer/',
      activity: { type: 'message', text: 'Hi team', textFormat: 'plain' },
    });
  });

  it('leaves serviceUrl to the provider when the binding has none', async () => {
    const teams = new MockTeamsProvider();
    await new TeamsChannel('teams-main', { provider: teams }).deliver(makeEvent(), binding({ teamsConversationId: 'a:1' }), ctx);
    expect(teams.calls[0].serviceUrl).toBeUndefined();
  });

  it('throws the vendor refusal as a ProviderDeliveryError with Bot Framework\'s code', async () => {
    const teams = new MockTeamsProvider({ knownConversations: ['a:known'] });
    const failure = new TeamsChannel('teams-main', { provider: teams }).deliver(makeEvent(), binding({ teamsConversationId: 'a:gone' }), ctx);
    await expect(failure).rejects.toBeInstanceOf(ProviderDeliveryError);
    await expect(failure).rejects.toMatchObject({ code: 'ConversationNotFound', retryable: false });
  });

  it('refuses a binding without a conversation id before calling the provider', async () => {
    const teams = new MockTeamsProvider();
    const failure = new TeamsChannel('teams-main', { provider: teams }).deliver(makeEvent(), binding({}), ctx);
    await expect(failure).rejects.toMatchObject({ code: 'missing_recipient', retryable: false });
    expect(teams.calls).toHaveLength(0);
  });

  it('posts typing to the binding\'s conversation on its serviceUrl; markRead answers false (no bot read receipts)', async () => {
    const teams = new MockTeamsProvider();
    const channel = new TeamsChannel('teams-main', { provider: teams });
    const conversation = binding({ teamsConversationId: 'a:1pL6i0oY3C0K8oAj8', serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    expect(await channel.sendTyping(conversation, true)).toBe(true);
    expect(teams.typing).toEqual([{ to: 'a:1pL6i0oY3C0K8oAj8', serviceUrl: 'https://smba.trafficmanager.net/amer/' }]);
    expect(await channel.markRead(conversation, '1485983408511')).toBe(false);
  });

  it('throws a refused typing indicator as ProviderActionError with Bot Framework\'s code', async () => {
    const teams = new MockTeamsProvider({ knownConversations: ['a:known'] });
    const failure = new TeamsChannel('teams-main', { provider: teams }).sendTyping(binding({ teamsConversationId: 'a:gone' }), true);
    await expect(failure).rejects.toBeInstanceOf(ProviderActionError);
    await expect(failure).rejects.toMatchObject({ code: 'ConversationNotFound', retryable: false });
  });
});
