// What a model reads of an MCP tool's result: its text content joined by newlines, other content (images, audio,
// resources) summarised in brackets, structured content as JSON when there is nothing else — at most 1 MB.
import type { ContentBlock } from '@modelcontextprotocol/sdk/types.js';

/** The most text one tool result gives the model, as for HTTP tools. */
export const MAX_RESULT_CHARS = 1_000_000;

export interface ToolResultLike {
  content?: ContentBlock[] | undefined;
  structuredContent?: unknown;
  /** Servers of the 2024-10-07 protocol answer a bare `toolResult`. */
  toolResult?: unknown;
}

export function toolResultText(result: ToolResultLike): string {
  const parts = (result.content ?? []).map(contentText);
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  if (parts.length === 0 && result.toolResult !== undefined) parts.push(JSON.stringify(result.toolResult));
  const text = parts.join('\n');
  return text.length > MAX_RESULT_CHARS
    ? `${text.slice(0, MAX_RESULT_CHARS)}\n[truncated: the result was ${text.length} characters]`
    : text;
}

function contentText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
      return `[image: ${block.mimeType}, ${approximateBytes(block.data)} bytes]`;
    case 'audio':
      return `[audio: ${block.mimeType}, ${approximateBytes(block.data)} bytes]`;
    case 'resource_link':
      return `[resource link: ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    case 'resource': {
      const resource = block.resource;
      return 'text' in resource && typeof resource.text === 'string'
        ? `[resource: ${resource.uri}]\n${resource.text}`
        : `[resource: ${resource.uri}${resource.mimeType ? `, ${resource.mimeType}` : ''}]`;
    }
    default:
      return `[${String((block as { type?: unknown }).type)} content]`;
  }
}

/** The size of base64 data once decoded. */
function approximateBytes(base64: string): number {
  return Math.floor((base64.replace(/=+$/, '').length * 3) / 4);
}
