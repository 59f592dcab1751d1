/**
 * What a room event becomes in a Bot Framework message activity. The transcoder has already reduced
 * content to what a Teams channel shows (text, rich, edit, delete); here each is given a body and a
 * `textFormat` (`plain`, `markdown`, or `xml` for Teams' HTML subset). Pure.
 */
import type { EventContent } from '../../models/index.js';

export interface OutboundText {
  text: string;
  textFormat: 'plain' | 'markdown' | 'xml';
}

/** `undefined` ⇒ nothing to send (RoomKit's `empty_message`). */
export function outboundText(content: EventContent): OutboundText | undefined {
  const made = build(content);
  return made?.text.trim() ? made : undefined;
}

function build(content: EventContent): OutboundText | undefined {
  switch (content.type) {
    case 'text':
    case 'system':
      return { text: content.body, textFormat: 'plain' };
    case 'rich':
      return { text: content.body, textFormat: content.format === 'html' ? 'xml' : 'markdown' };
    case 'template':
      return content.body === undefined ? undefined : { text: content.body, textFormat: 'plain' };
    case 'composite': {
      const parts = content.parts.map(build).filter((p): p is OutboundText => p !== undefined);
      if (parts.length === 0) return undefined;
      const format = parts.some((p) => p.textFormat !== 'plain') ? 'markdown' : 'plain';
      return { text: parts.map((p) => p.text).join('\n'), textFormat: format };
    }
    // Updating or deleting the original Teams activity needs its activity id, which the room event
    // (a RoomKit event id) does not carry; sent as a visible correction, like the transcoder does.
    case 'edit': {
      const inner = build(content.newContent);
      return inner && { ...inner, text: `Correction: ${inner.text}` };
    }
    case 'delete':
      return { text: '[Message deleted]', textFormat: 'plain' };
    default:
      return undefined;
  }
}
