// vLLM: its OpenAI-compatible server under /v1 (VLLM_BASE_URL may name either); a key only when started with one.
import type { OpenAiCompatibleProfile } from '../openai/profile.js';

export const vllmProfile: OpenAiCompatibleProfile = { type: 'vllm', embeddings: true, defaultPath: '/v1' };
