// Reads the provider table (providers.ts) from the environment: which providers are on, with their settings.
// Problems name the variable and never echo its value, since these variables hold credentials.
import { PROVIDER_SPECS, type ProviderSpec, type SettingSpec } from './providers.js';

export interface ProviderSettings {
  /** The connection's name and adapter type, e.g. `anthropic`. */
  name: string;
  baseUrl: string;
  apiKey: string | undefined;
  /** Every other setting of the provider that has a value (Azure `apiVersion`, Bedrock `region`, AWS keys, …). */
  options: Record<string, string>;
}

type Env = Record<string, string | undefined>;

export interface ProviderReading {
  providers: ProviderSettings[];
  problems: string[];
}

export function readProviderSettings(env: Env): ProviderReading {
  const providers: ProviderSettings[] = [];
  const problems: string[] = [];
  for (const spec of PROVIDER_SPECS) {
    if (!spec.enabledBy.some((name) => envValue(env, name) !== undefined)) continue;
    const before = problems.length;
    for (const [name, needed] of Object.entries(spec.requires ?? {})) {
      if (envValue(env, name) !== undefined && envValue(env, needed) === undefined) {
        problems.push(`${needed}: must be set when ${name} is (${spec.name} provider)`);
      }
    }
    const settings = readSettings(spec, env, problems);
    if (problems.length > before) continue;
    const { apiKey, baseUrl, ...rest } = settings;
    const options = Object.fromEntries(Object.entries(rest).filter((entry): entry is [string, string] => entry[1] !== undefined));
    if (baseUrl === undefined) {
      problems.push(`${spec.settings.baseUrl.vars.join(' or ')}: must be set to enable the ${spec.name} provider`);
      continue;
    }
    providers.push({ name: spec.name, baseUrl, apiKey, options });
  }
  return { providers, problems };
}

function readSettings(spec: ProviderSpec, env: Env, problems: string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  const entries = Object.entries(spec.settings).filter((entry): entry is [string, SettingSpec] => entry[1] !== undefined);
  // Settings read from variables first, then defaults, which may name other settings (`{region}`).
  for (const [name, setting] of entries) values[name] = firstSet(env, setting.vars);
  for (const [name, setting] of entries) {
    if (values[name] !== undefined || setting.default === undefined) continue;
    values[name] = setting.default.replace(/\{(\w+)\}/g, (_, other: string) => values[other] ?? '');
  }
  for (const [name, setting] of entries) {
    const value = values[name];
    if (setting.url && value !== undefined && !isHttpUrl(value)) {
      problems.push(`${setting.vars.join(' or ')}: must be an http(s) URL (${spec.name} provider)`);
    }
  }
  return values;
}

function firstSet(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = envValue(env, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}
