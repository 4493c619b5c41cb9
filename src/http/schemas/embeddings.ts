// The request schema of POST /embeddings.
import { z } from 'zod';

export const embeddingCreateBody = z
  .looseObject({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.int().positive().optional(),
    user: z.string().optional(),
  })
  .describe('OpenAI embeddings request');

export const embeddingResponse = z.looseObject({
  object: z.literal('list'),
  data: z.array(z.looseObject({ object: z.literal('embedding'), index: z.int(), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.int(), total_tokens: z.int() }),
});
