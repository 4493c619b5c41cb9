import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { globalConnections } from '../../src/gateway/providers/global-connections.js';
import { postJson, startGateway } from '../helpers/gateway.js';

const base = { DATABASE_URL: 'sqlite::memory:' };
const connectionsOf = (env: Record<string, string>) => globalConnections(loadConfig({ ...base, ...env }));
const connectionOf = (env: Record<string, string>, name: string) => connectionsOf(env).find((connection) => connection.name === name);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('global provider connections from the environment', () => {
  it('has only the mock provider when no provider variable is set', () => {
    expect(connectionsOf({}).map((connection) => connection.name)).toEqual(['mock']);
  });

  it.each([
    ['OPENAI_API_KEY', 'openai', 'https://api.openai.com/v1'],
    ['ANTHROPIC_API_KEY', 'anthropic', 'https://api.anthropic.com'],
    ['GEMINI_API_KEY', 'google', 'https://generativelanguage.googleapis.com'],
    ['GOOGLE_API_KEY', 'google', 'https://generativelanguage.googleapis.com'],
    ['MISTRAL_API_KEY', 'mistral', 'https://api.mistral.ai/v1'],
    ['GROQ_API_KEY', 'groq', 'https://api.groq.com/openai/v1'],
    ['DEEPSEEK_API_KEY', 'deepseek', 'https://api.deepseek.com/v1'],
    ['TOGETHER_API_KEY', 'together', 'https://api.together.xyz/v1'],
    ['OPENROUTER_API_KEY', 'openrouter', 'https://openrouter.ai/api/v1'],
    ['XAI_API_KEY', 'xai', 'https://api.x.ai/v1'],
    ['FIREWORKS_API_KEY', 'fireworks', 'https://api.fireworks.ai/inference/v1'],
  ])('%s enables the %s connection at %s', (variable, name, url) => {
    expect(connectionsOf({ [variable]: 'secret-1' })).toContainEqual({
      name,
      type: name,
      baseUrl: url,
      apiKey: 'secret-1',
      trusted: true,
    });
  });

  it('lets <NAME>_BASE_URL move a provider, and prefers GEMINI_API_KEY to GOOGLE_API_KEY', () => {
    expect(connectionOf({ GROQ_API_KEY: 'k', GROQ_BASE_URL: 'http://proxy:8080/groq/v1' }, 'groq')?.baseUrl).toBe(
      'http://proxy:8080/groq/v1',
    );
    expect(connectionOf({ GEMINI_API_KEY: 'gemini', GOOGLE_API_KEY: 'google' }, 'google')?.apiKey).toBe('gemini');
  });

  it('needs both the Azure key and endpoint, and defaults the API version', () => {
    expect(connectionOf({ AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com' }, 'azure')).toEqual({
      name: 'azure',
      type: 'azure',
      baseUrl: 'https://acme.openai.azure.com',
      apiKey: 'k',
      trusted: true,
      options: { apiVersion: '2024-10-21' },
    });
    const pinned = connectionOf(
      { AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_ENDPOINT: 'https://a.openai.azure.com', AZURE_OPENAI_API_VERSION: '2025-04-01-preview' },
      'azure',
    );
    expect(pinned?.options).toEqual({ apiVersion: '2025-04-01-preview' });
    expect(problemsOf({ AZURE_OPENAI_API_KEY: 'k' })).toEqual([
      'AZURE_OPENAI_ENDPOINT: must be set when AZURE_OPENAI_API_KEY is (azure provider)',
    ]);
  });

  it('enables Bedrock from AWS credentials, with the region in the endpoint', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', AWS_REGION: 'eu-central-1' };
    expect(connectionOf(env, 'bedrock')).toEqual({
      name: 'bedrock',
      type: 'bedrock',
      baseUrl: 'https://bedrock-runtime.eu-central-1.amazonaws.com',
      apiKey: undefined,
      trusted: true,
      options: { region: 'eu-central-1', accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    expect(
      connectionOf({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'ap-south-1' }, 'bedrock')?.baseUrl,
    ).toBe('https://bedrock-runtime.ap-south-1.amazonaws.com');
    expect(connectionOf({ AWS_BEARER_TOKEN_BEDROCK: 'api-key' }, 'bedrock')).toMatchObject({
      apiKey: 'api-key',
      options: { region: 'us-east-1' },
    });
    expect(problemsOf({ AWS_ACCESS_KEY_ID: 'AKID' })).toEqual([
      'AWS_SECRET_ACCESS_KEY: must be set when AWS_ACCESS_KEY_ID is (bedrock provider)',
    ]);
  });

  it('enables self-hosted Ollama and vLLM by their base URL, with an optional vLLM key', () => {
    expect(connectionOf({ OLLAMA_BASE_URL: 'http://localhost:11434' }, 'ollama')).toEqual({
      name: 'ollama',
      type: 'ollama',
      baseUrl: 'http://localhost:11434',
      apiKey: undefined,
      trusted: true,
    });
    expect(connectionOf({ VLLM_BASE_URL: 'http://gpu:8000/v1', VLLM_API_KEY: 'token' }, 'vllm')).toMatchObject({ apiKey: 'token' });
    expect(connectionOf({ OLLAMA_API_KEY: 'ignored' }, 'ollama')).toBeUndefined();
  });

  it('names an invalid variable without echoing its value, and ignores empty ones', () => {
    const problems = problemsOf({ MISTRAL_API_KEY: 'sk-very-secret', MISTRAL_BASE_URL: 'not a url sk-very-secret', XAI_API_KEY: '  ' });
    expect(problems).toEqual(['MISTRAL_BASE_URL: must be an http(s) URL (mistral provider)']);
    expect(problems.join(' ')).not.toContain('sk-very-secret');
    expect(connectionsOf({ XAI_API_KEY: '  ', OPENAI_API_KEY: '' }).map((connection) => connection.name)).toEqual(['mock']);
  });

  it('tells a caller which variables enable a provider that is not configured', async () => {
    const gateway = await startGateway();
    try {
      for (const [model, hint] of [
        ['azure/prod', 'AZURE_OPENAI_API_KEY'],
        ['bedrock/amazon.nova-pro-v1:0', 'AWS_ACCESS_KEY_ID'],
        ['google/gemini-2.5-flash', 'GEMINI_API_KEY or GOOGLE_API_KEY'],
      ]) {
        const response = await postJson(gateway, '/chat/completions', { model, messages: [{ role: 'user', content: 'x' }] });
        expect(response.status).toBe(404);
        expect(((await response.json()) as { error: { message: string } }).error.message).toContain(hint);
      }
    } finally {
      await gateway.close();
    }
  });
});
