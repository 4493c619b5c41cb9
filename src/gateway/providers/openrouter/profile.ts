// OpenRouter: OpenAI's format in front of many providers (model ids are `vendor/model`). Chat only.
import type { OpenAiCompatibleProfile } from '../openai/profile.js';

export const openrouterProfile: OpenAiCompatibleProfile = { type: 'openrouter', embeddings: false };
