// The Anthropic Messages API as clients send it to Shuttle (POST /api/v1/messages), named after the wire as in
// Anthropic's SDK. Only the fields Shuttle reads are typed; every other one passes through to Anthropic models.
import type { Message, MessageStreamEvent, Usage } from '../../providers/anthropic/wire.js';

export type { Message, MessageStreamEvent, Usage };

/** The client headers of the Messages API that travel with a request passed through to Anthropic. */
export const MESSAGES_CLIENT_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/** A content block; `cache_control` and fields Shuttle does not read are kept for Anthropic models. */
export interface ContentBlockInput {
  type: string;
  [field: string]: unknown;
}

export interface MessageInput {
  role: 'user' | 'assistant';
  content: string | ContentBlockInput[];
}

export interface ToolInput {
  /** Absent or `custom` for a client tool; a dated type (`web_search_20250305`, `bash_20250124`) for Anthropic's own. */
  type?: string;
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  [field: string]: unknown;
}

export type ToolChoiceInput =
  | { type: 'auto' | 'any' | 'none'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean };

/** The body of POST /v1/messages/count_tokens: a Messages request without its limits and sampling. */
export interface CountTokensRequest {
  model: string;
  messages: MessageInput[];
  system?: string | ContentBlockInput[];
  tools?: ToolInput[];
  tool_choice?: ToolChoiceInput;
  thinking?: { type: string; budget_tokens?: number };
  [field: string]: unknown;
}

export interface MessagesRequest extends CountTokensRequest {
  max_tokens: number;
  stream?: boolean;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  metadata?: { user_id?: string | null };
}
