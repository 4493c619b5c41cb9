// Together AI: OpenAI's format for chat and embeddings.
import type { OpenAiCompatibleProfile } from '../openai/profile.js';

export const togetherProfile: OpenAiCompatibleProfile = { type: 'together', embeddings: true };
