// Mistral: OpenAI's format, but its API refuses fields it does not know, calls the seed `random_seed`, and sends
// usage on the last chunk of a stream without being asked.
import type { OpenAiCompatibleProfile } from '../openai/profile.js';

export const mistralProfile: OpenAiCompatibleProfile = {
  type: 'mistral',
  embeddings: true,
  renamedParams: { seed: 'random_seed', max_completion_tokens: 'max_tokens' },
  droppedParams: ['stream_options', 'user', 'store', 'metadata', 'service_tier'],
};
