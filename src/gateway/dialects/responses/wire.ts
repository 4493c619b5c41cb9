// The OpenAI Responses wire format, as far as Shuttle speaks it. Named after the wire, as in openai-node
// (resources/responses/responses.d.ts); fields Shuttle does not read are left out or typed loosely.

export interface ResponseInputText {
  type: 'input_text';
  text: string;
}

export interface ResponseInputImage {
  type: 'input_image';
  image_url?: string | null;
  file_id?: string | null;
  detail?: 'auto' | 'low' | 'high' | null;
}

export interface ResponseInputFile {
  type: 'input_file';
  file_data?: string;
  file_id?: string | null;
  file_url?: string;
  filename?: string;
}

export interface ResponseOutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
}

export interface ResponseOutputRefusal {
  type: 'refusal';
  refusal: string;
}

export type ResponseInputContent = ResponseInputText | ResponseInputImage | ResponseInputFile;

export type ResponseContent = ResponseInputContent | ResponseOutputText | ResponseOutputRefusal;

export type ResponseRole = 'user' | 'assistant' | 'system' | 'developer';

/** A message in `input`: a client's (easy input message) or an earlier answer's output message. */
export interface ResponseInputMessage {
  type?: 'message';
  id?: string;
  role: ResponseRole;
  content: string | ResponseContent[];
  status?: ResponseItemStatus;
}

export type ResponseItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponseOutputMessage {
  type: 'message';
  id: string;
  role: 'assistant';
  status: ResponseItemStatus;
  content: Array<ResponseOutputText | ResponseOutputRefusal>;
}

export interface ResponseFunctionToolCall {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: ResponseItemStatus;
}

export interface ResponseFunctionCallOutput {
  type: 'function_call_output';
  id?: string;
  call_id: string;
  output: string | ResponseInputContent[];
  status?: ResponseItemStatus;
}

export interface ResponseReasoningItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  content?: Array<{ type: 'reasoning_text'; text: string }>;
  status?: ResponseItemStatus;
}

export interface ResponseItemReference {
  type: 'item_reference';
  id: string;
}

export type ResponseInputItem =
  | ResponseInputMessage
  | ResponseFunctionToolCall
  | ResponseFunctionCallOutput
  | ResponseReasoningItem
  | ResponseItemReference;

export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionToolCall | ResponseReasoningItem;

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type ResponseFormatText =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; name: string } | { type: string; [key: string]: unknown };

export interface ResponseCreateParams {
  model: string;
  input?: string | ResponseInputItem[];
  instructions?: string | null;
  tools?: Array<FunctionTool | { type: string; [key: string]: unknown }>;
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean | null;
  text?: { format?: ResponseFormatText; verbosity?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  stream?: boolean | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  metadata?: Record<string, string> | null;
  user?: string;
  [key: string]: unknown;
}

export interface ResponseUsage {
  input_tokens: number;
  /** cache_write_tokens is always 0: Shuttle's metered usage does not keep cache writes apart from the prompt. */
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** The codes OpenAI's spec allows in a response's error that a gateway can meet. */
export type ResponseErrorCode = 'server_error' | 'rate_limit_exceeded';

export type ResponseStatus = 'completed' | 'failed' | 'in_progress' | 'incomplete';

export interface Response {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: { code: ResponseErrorCode; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: ResponseFormatText };
  tool_choice: ToolChoice;
  tools: ResponseCreateParams['tools'] & unknown[];
  top_p: number | null;
  truncation: 'disabled';
  /** Absent until the response has finished (OpenAI's spec has no null usage). */
  usage?: ResponseUsage;
  /** Echoes the request's `user`; absent when it had none. */
  user?: string;
  metadata: Record<string, string>;
}
