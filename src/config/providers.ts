// The providers that can be enabled from the environment, as one table: which variables turn each on, and where
// its key, endpoint and other settings come from. config.ts reads it; global-connections.ts turns it into connections.

export interface SettingSpec {
  /** Environment variables that may hold the value; the first one set wins. */
  vars: readonly string[];
  /** Used when no variable is set; `{name}` is replaced by another setting of the same provider. */
  default?: string;
  /** Whether the value must be a URL. */
  url?: boolean;
}

export interface ProviderSpec {
  /** The connection's name, which is also its adapter type. */
  name: string;
  /** `apiKey` and `baseUrl`, plus provider-specific settings (Azure's API version, AWS credentials and region). */
  settings: { apiKey?: SettingSpec; baseUrl: SettingSpec } & Record<string, SettingSpec | undefined>;
  /** The connection exists when any of these variables is set. */
  enabledBy: readonly string[];
  /** Variables that need another one: `{ A: 'B' }` means "when A is set, B must be too". */
  requires?: Readonly<Record<string, string>>;
}

/** An OpenAI-compatible cloud provider: a bearer key enables it, `<NAME>_BASE_URL` moves it. */
function keyed(name: string, prefix: string, baseUrl: string, keyVars: readonly string[] = [`${prefix}_API_KEY`]): ProviderSpec {
  return {
    name,
    settings: { apiKey: { vars: keyVars }, baseUrl: { vars: [`${prefix}_BASE_URL`], default: baseUrl, url: true } },
    enabledBy: keyVars,
  };
}

/** The Azure OpenAI data-plane API version used when AZURE_OPENAI_API_VERSION is unset: the latest GA one. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export const PROVIDER_SPECS: readonly ProviderSpec[] = [
  {
    name: 'openai',
    settings: {
      apiKey: { vars: ['OPENAI_API_KEY'] },
      baseUrl: { vars: ['OPENAI_BASE_URL'], default: 'https://api.openai.com/v1', url: true },
    },
    // A base URL alone enables it too: any OpenAI-compatible server, keyed or not.
    enabledBy: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
  },
  {
    name: 'azure',
    settings: {
      apiKey: { vars: ['AZURE_OPENAI_API_KEY'] },
      baseUrl: { vars: ['AZURE_OPENAI_ENDPOINT'], url: true },
      apiVersion: { vars: ['AZURE_OPENAI_API_VERSION'], default: AZURE_DEFAULT_API_VERSION },
    },
    enabledBy: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT'],
    requires: { AZURE_OPENAI_API_KEY: 'AZURE_OPENAI_ENDPOINT', AZURE_OPENAI_ENDPOINT: 'AZURE_OPENAI_API_KEY' },
  },
  keyed('anthropic', 'ANTHROPIC', 'https://api.anthropic.com'),
  {
    name: 'google',
    settings: {
      apiKey: { vars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] },
      baseUrl: { vars: ['GEMINI_BASE_URL'], default: 'https://generativelanguage.googleapis.com', url: true },
    },
    enabledBy: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  },
  {
    name: 'bedrock',
    settings: {
      // A Bedrock API key (bearer token) replaces SigV4 signing when set.
      apiKey: { vars: ['AWS_BEARER_TOKEN_BEDROCK'] },
      baseUrl: { vars: ['BEDROCK_BASE_URL'], default: 'https://bedrock-runtime.{region}.amazonaws.com', url: true },
      region: { vars: ['AWS_REGION', 'AWS_DEFAULT_REGION'], default: 'us-east-1' },
      accessKeyId: { vars: ['AWS_ACCESS_KEY_ID'] },
      secretAccessKey: { vars: ['AWS_SECRET_ACCESS_KEY'] },
      sessionToken: { vars: ['AWS_SESSION_TOKEN'] },
    },
    enabledBy: ['AWS_ACCESS_KEY_ID', 'AWS_BEARER_TOKEN_BEDROCK'],
    requires: { AWS_ACCESS_KEY_ID: 'AWS_SECRET_ACCESS_KEY', AWS_SECRET_ACCESS_KEY: 'AWS_ACCESS_KEY_ID' },
  },
  keyed('mistral', 'MISTRAL', 'https://api.mistral.ai/v1'),
  keyed('groq', 'GROQ', 'https://api.groq.com/openai/v1'),
  keyed('deepseek', 'DEEPSEEK', 'https://api.deepseek.com/v1'),
  keyed('together', 'TOGETHER', 'https://api.together.xyz/v1'),
  keyed('openrouter', 'OPENROUTER', 'https://openrouter.ai/api/v1'),
  keyed('xai', 'XAI', 'https://api.x.ai/v1'),
  keyed('fireworks', 'FIREWORKS', 'https://api.fireworks.ai/inference/v1'),
  {
    name: 'ollama',
    settings: { baseUrl: { vars: ['OLLAMA_BASE_URL'], url: true } },
    enabledBy: ['OLLAMA_BASE_URL'],
  },
  {
    name: 'vllm',
    settings: { apiKey: { vars: ['VLLM_API_KEY'] }, baseUrl: { vars: ['VLLM_BASE_URL'], url: true } },
    enabledBy: ['VLLM_BASE_URL'],
  },
];

/** The variables that would enable a provider, for error messages that tell people what to set. */
export function enablingVariables(name: string): readonly string[] | undefined {
  return PROVIDER_SPECS.find((spec) => spec.name === name)?.enabledBy;
}
