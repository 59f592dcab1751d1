/**
 * Event content → a Telnyx RCS `agent_message` (snake-case Google RBM schema). A content message
 * carries one of text, a file or a rich card; suggestions ride along. RoomKit buttons and cards
 * are free-form records, so the usual key spellings are read.
 */
import type { EventContent, RoomEvent } from '../../models/index.js';

type Json = Record<string, unknown>;

const str = (record: Json, ...keys: string[]): string | undefined => {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
};

/** A button as an RCS suggestion: a URL opens the browser, anything else is a reply chip. */
function suggestion(button: Json): Json | undefined {
  const text = str(button, 'text', 'title', 'label');
  if (!text) return undefined;
  const postback = str(button, 'payload', 'postbackData', 'postback_data', 'value', 'id') ?? text;
  const url = str(button, 'url');
  if (url) {
    return { action: { text, postback_data: postback, open_url_action: { url, application: 'BROWSER', webview_view_mode: 'FULL' } } };
  }
  return { reply: { text, postback_data: postback } };
}

function cardContent(card: Json): Json {
  const image = str(card, 'imageUrl', 'image_url', 'image', 'mediaUrl', 'media_url');
  const buttons = Array.isArray(card.buttons) ? (card.buttons as Json[]).map(suggestion).filter(Boolean) : [];
  return {
    ...(str(card, 'title') && { title: str(card, 'title') }),
    ...(str(card, 'description', 'subtitle', 'body') && { description: str(card, 'description', 'subtitle', 'body') }),
    ...(image && { media: { height: 'MEDIUM', content_info: { file_url: image } } }),
    ...(buttons.length > 0 && { suggestions: buttons }),
  };
}

function richCard(cards: Json[]): Json {
  if (cards.length === 1) {
    return {
      standalone_card: { card_orientation: 'VERTICAL', thumbnail_image_alignment: 'LEFT', card_content: cardContent(cards[0]) },
    };
  }
  // RBM carousels hold 2 to 10 cards.
  return { carousel_card: { card_width: 'MEDIUM', card_contents: cards.slice(0, 10).map(cardContent) } };
}

/** The first media of a content (composites searched) and the text around it. */
function firstMedia(content: EventContent): { url: string; caption?: string } | undefined {
  if (content.type === 'media') return { url: content.url, caption: content.caption };
  if (content.type === 'audio' || content.type === 'video') return { url: content.url };
  if (content.type === 'composite') {
    for (const part of content.parts) {
      const found = firstMedia(part);
      if (found) return found;
    }
  }
  return undefined;
}

/** The `agent_message` for an event; `text` is the plain-text rendering (also used for SMS fallback). */
export function rcsAgentMessage(event: Pick<RoomEvent, 'content'>, text: string): Json {
  const content = event.content;
  if (content.type === 'rich') {
    const suggestions = [
      ...(content.buttons ?? []).map(suggestion),
      ...(content.quickReplies ?? []).map((reply) => ({ reply: { text: reply, postback_data: reply } })),
    ].filter(Boolean);
    const withSuggestions = (message: Json): Json => ({ content_message: { ...message, ...(suggestions.length > 0 && { suggestions }) } });
    if (content.cards && content.cards.length > 0) return withSuggestions({ rich_card: richCard(content.cards) });
    return withSuggestions({ text: content.plainText ?? content.body });
  }
  const media = firstMedia(content);
  if (media) {
    // A file message cannot carry text: a caption becomes a card around the media.
    const caption = media.caption ?? (content.type === 'composite' ? text : undefined);
    if (caption) return { content_message: { rich_card: richCard([{ description: caption, imageUrl: media.url }]) } };
    return { content_message: { content_info: { file_url: media.url } } };
  }
  return { content_message: { text } };
}
