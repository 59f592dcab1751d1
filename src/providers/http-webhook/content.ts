/** The `content` object of an outbound webhook body (RoomKit sends text; rich keeps its `format`). Pure. */
import type { EventContent } from '../../models/index.js';

/** Text, or rich with its format; `undefined` ⇒ nothing to send. */
export function webhookContent(content: EventContent): { type: 'text'; body: string; format?: string } | undefined {
  switch (content.type) {
    case 'text':
    case 'system':
      return content.body.trim() ? { type: 'text', body: content.body } : undefined;
    case 'rich':
      return content.body.trim() ? { type: 'text', body: content.body, ...(content.format && { format: content.format }) } : undefined;
    case 'template':
      return content.body?.trim() ? { type: 'text', body: content.body } : undefined;
    case 'composite': {
      const body = content.parts.map((p) => webhookContent(p)?.body).filter(Boolean).join('\n');
      return body ? { type: 'text', body } : undefined;
    }
    default:
      return undefined;
  }
}
