// Provider connections every tenant can use, from the environment (OPENAI_API_KEY, …), plus the built-in mock.
import type { Config } from '../../config/config.js';
import type { ProviderConnection } from './provider.js';

export function globalConnections(config: Config): ProviderConnection[] {
  const connections: ProviderConnection[] = [{ name: 'mock', type: 'mock', baseUrl: 'mock://local', apiKey: undefined }];
  for (const provider of config.providers) {
    connections.push({
      name: provider.name,
      type: provider.name,
      baseUrl: provider.baseUrl,
      apiKey: provider.apiKey,
      trusted: true,
      ...(Object.keys(provider.options).length === 0 ? {} : { options: { ...provider.options } }),
    });
  }
  return connections;
}
