// Ollama: its OpenAI-compatible API under /v1 of the server (OLLAMA_BASE_URL may name either). No key.
import type { OpenAiCompatibleProfile } from '../openai/profile.js';

export const ollamaProfile: OpenAiCompatibleProfile = { type: 'ollama', embeddings: true, defaultPath: '/v1' };
