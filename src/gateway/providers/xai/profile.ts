// xAI (Grok): OpenAI's format for chat. No embeddings.
import type { OpenAiCompatibleProfile } from '../openai/profile.js';

export const xaiProfile: OpenAiCompatibleProfile = { type: 'xai', embeddings: false };
