// OpenAI embeddings request → Gemini batchEmbedContents (one request per input), and the vectors back as an OpenAI
// list. Gemini does not report token counts for embeddings, so they are metered as zero tokens.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../../openai-wire.js';
import type { BatchEmbedContentsRequest, BatchEmbedContentsResponse } from './wire.js';

export function toBatchEmbedRequest(params: EmbeddingCreateParams, modelPath: string): BatchEmbedContentsRequest {
  const inputs = typeof params.input === 'string' ? [params.input] : params.input;
  if (!inputs.every((input): input is string => typeof input === 'string')) {
    throw new InvalidRequestError('Gemini embeds text; input must be a string or an array of strings.', 'input');
  }
  return {
    requests: inputs.map((text) => ({
      model: modelPath,
      content: { parts: [{ text }] },
      ...(params.dimensions === undefined ? {} : { outputDimensionality: params.dimensions }),
    })),
  };
}

export function toEmbeddingList(response: BatchEmbedContentsResponse, params: EmbeddingCreateParams, model: string): string {
  const list: CreateEmbeddingResponse = {
    object: 'list',
    data: (response.embeddings ?? []).map((embedding, index) => {
      const values = embedding.values ?? [];
      const vector = params.encoding_format === 'base64' ? Buffer.from(new Float32Array(values).buffer).toString('base64') : values;
      return { object: 'embedding' as const, index, embedding: vector };
    }),
    model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
  return JSON.stringify(list);
}
