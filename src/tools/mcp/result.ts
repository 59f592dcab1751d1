/** An MCP tool result as the text the model reads. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

type Block = CallToolResult['content'][number];

function blockText(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'resource':
      return 'text' in block.resource ? block.resource.text : `[resource ${block.resource.uri}]`;
    case 'resource_link':
      return `[resource ${block.uri}]`;
    default:
      // Images and audio would be megabytes of base64 in the room's history: name them instead.
      return `[${block.type} ${block.mimeType}]`;
  }
}

/** Text blocks joined by newlines; a result with only `structuredContent` is that, as JSON. */
export function toolResultText(result: CallToolResult): string {
  // `content` is required since MCP 2024-11-05; an older server's result may lack it.
  const content = result.content ?? [];
  if (!content.length && result.structuredContent) return JSON.stringify(result.structuredContent);
  return content.map(blockText).join('\n');
}
