// Fireworks AI: OpenAI's format for chat and embeddings (model ids are `accounts/fireworks/models/…`).
import type { OpenAiCompatibleProfile } from '../openai/profile.js';

export const fireworksProfile: OpenAiCompatibleProfile = { type: 'fireworks', embeddings: true };
