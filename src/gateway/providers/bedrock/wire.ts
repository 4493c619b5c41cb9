// Amazon Bedrock's Converse API wire format (POST /model/{modelId}/converse and /converse-stream), named after the wire.

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export type ContentBlock =
  | { text: string }
  | { image: { format: ImageFormat; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | { toolResult: { toolUseId: string; content: Array<{ text: string }>; status?: 'success' | 'error' } }
  | { reasoningContent: unknown }
  | { cachePoint: { type: 'default' } };

export interface Message {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface InferenceConfiguration {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export type ToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ToolConfiguration {
  tools: Array<{ toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } } }>;
  toolChoice?: ToolChoice;
}

export interface ConverseRequest {
  messages: Message[];
  system?: Array<{ text: string }>;
  inferenceConfig?: InferenceConfiguration;
  toolConfig?: ToolConfiguration;
}

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'guardrail_intervened' | 'content_filtered' | string;

export interface ConverseResponse {
  output?: { message?: Message };
  stopReason?: StopReason;
  usage?: TokenUsage;
  metrics?: { latencyMs?: number };
}

/** The events of a ConverseStream, by their `:event-type` header. */
export interface ConverseStreamEvents {
  messageStart: { role: 'assistant' };
  contentBlockStart: { contentBlockIndex: number; start?: { toolUse?: { toolUseId: string; name: string } } };
  contentBlockDelta: { contentBlockIndex: number; delta?: { text?: string; toolUse?: { input?: string } } };
  contentBlockStop: { contentBlockIndex: number };
  messageStop: { stopReason?: StopReason };
  metadata: { usage?: TokenUsage; metrics?: { latencyMs?: number } };
}

export interface ExceptionPayload {
  message?: string;
  Message?: string;
}
