// Azure OpenAI: OpenAI's wire format behind per-deployment URLs. The request's model names the deployment, the key
// goes in an `api-key` header, and the models served are priced as OpenAI's.
import { AZURE_DEFAULT_API_VERSION } from '../../../config/providers.js';
import type { OpenAiCompatibleProfile, OpenAiEndpoint } from '../openai/profile.js';
import type { ProviderConnection } from '../provider.js';
import { modelSegment } from '../translate/model-segment.js';
import { repairPromptFilterChunk } from './prompt-filter-chunk.js';

function deploymentUrl(connection: ProviderConnection, endpoint: OpenAiEndpoint, deployment: string): string {
  const version = connection.options?.apiVersion;
  const apiVersion = typeof version === 'string' && version !== '' ? version : AZURE_DEFAULT_API_VERSION;
  const base = connection.baseUrl.replace(/\/+$/, '');
  return `${base}/openai/deployments/${modelSegment(deployment)}/${endpoint}?api-version=${encodeURIComponent(apiVersion)}`;
}

export const azureProfile: OpenAiCompatibleProfile = {
  type: 'azure',
  auth: 'api-key',
  endpointUrl: deploymentUrl,
  modelInBody: false,
  embeddings: true,
  pricedAs: 'openai',
  repairChunk: repairPromptFilterChunk,
};
