// The Gemini API's wire format (generateContent, streamGenerateContent, batchEmbedContents), named after the wire.

export interface FunctionCall {
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

export interface Part {
  text?: string;
  /** A part of the model's reasoning, when thoughts are included. */
  thought?: boolean;
  /** Opaque reasoning state attached to a part, which must be sent back with it on the next turn. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: FunctionCall;
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
}

export interface Content {
  role?: 'user' | 'model';
  parts: Part[];
}

/** A subset of OpenAPI 3.0's schema object. */
export type Schema = Record<string, unknown>;

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Schema;
}

export interface ToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
}

export interface GenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: Schema;
  thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean };
}

export interface GenerateContentRequest {
  contents: Content[];
  systemInstruction?: Content;
  tools?: Array<{ functionDeclarations: FunctionDeclaration[] }>;
  toolConfig?: ToolConfig;
  generationConfig?: GenerationConfig;
}

export interface Candidate {
  content?: Content;
  finishReason?: string;
  index?: number;
}

export interface UsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

export interface GenerateContentResponse {
  candidates?: Candidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: UsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

export interface ErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<Record<string, unknown>> };
}

export interface BatchEmbedContentsRequest {
  requests: Array<{ model: string; content: Content; outputDimensionality?: number }>;
}

export interface BatchEmbedContentsResponse {
  embeddings?: Array<{ values?: number[] }>;
}
