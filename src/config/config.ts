// Environment variables → a typed, validated Config with defaults. Invalid settings fail start-up with their names.
import { z } from 'zod';
import { type PrivateNetworkAllowance, parsePrivateNetworkAllowance } from './private-networks.js';
import { type ProviderSettings, readProviderSettings } from './provider-settings.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const databaseUrl = z
  .string()
  .default('sqlite://./data/shuttle.db')
  .refine((url) => /^(sqlite:|postgres(ql)?:\/\/)/.test(url), {
    message: 'must start with sqlite:// (e.g. sqlite://./data/shuttle.db) or postgres://',
  });

const otlpEndpoint = optionalString.refine((url) => url === undefined || /^https?:\/\//.test(url), {
  message: 'must be an http:// or https:// URL (the OTLP/HTTP receiver, e.g. http://collector:4318)',
});

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalString,
  DATABASE_URL: databaseUrl,
  REDIS_URL: optionalString.refine((url) => url === undefined || /^rediss?:\/\//.test(url), {
    message: 'must start with redis:// or rediss://',
  }),
  SHUTTLE_REDIS_PREFIX: z.string().min(1).default('shuttle:'),
  SHUTTLE_REDIS_FAILURE_MODE: z.enum(['local', 'closed']).default('local'),
  SHUTTLE_REDIS_TIMEOUT_MS: positiveInt.default(100),
  SHUTTLE_CONCURRENCY_LEASE_MS: positiveInt.min(300).default(15_000),
  SHUTTLE_SECRET: optionalString.refine((secret) => secret === undefined || secret.length >= 32, {
    message: 'must be at least 32 characters',
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTTLE_ADMIN_EMAIL: optionalString,
  SHUTTLE_ADMIN_PASSWORD: optionalString,
  SHUTTLE_BODY_LIMIT_BYTES: positiveInt.default(10 * 1024 * 1024),
  SHUTTLE_UPSTREAM_TIMEOUT_MS: positiveInt.default(600_000),
  SHUTTLE_UPSTREAM_CONNECTIONS: nonNegativeInt.default(0),
  SHUTTLE_UPSTREAM_HTTP2: z.enum(['off', 'tls', 'cleartext']).default('off'),
  SHUTTLE_USAGE_QUEUE_MAX: positiveInt.default(100_000),
  SHUTTLE_USAGE_BATCH_SIZE: positiveInt.default(500),
  SHUTTLE_USAGE_FLUSH_MS: positiveInt.default(250),
  SHUTTLE_USAGE_STALL_MS: positiveInt.default(15_000),
  SHUTTLE_USAGE_JOURNAL_SYNC_MS: nonNegativeInt.default(0),
  SHUTTLE_REQUEST_LOG_DEFAULT: z.enum(['full', 'metadata', 'off']).default('full'),
  SHUTTLE_REQUEST_LOG_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
  SHUTTLE_LAST_USED_FLUSH_MS: positiveInt.default(10_000),
  SHUTTLE_KEY_CACHE_TTL_MS: positiveInt.default(60_000),
  SHUTTLE_SESSION_TTL_SECONDS: positiveInt.default(8 * 3600),
  SHUTTLE_INVITATION_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  SHUTTLE_LOGIN_MAX_FAILURES: positiveInt.default(5),
  SHUTTLE_LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(20),
  SHUTTLE_LOGIN_WINDOW_SECONDS: positiveInt.default(15 * 60),
  SHUTTLE_MAX_SUB_KEYS: positiveInt.default(10),
  SHUTTLE_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | string => (value === 'true' ? true : value === 'false' || value === '' ? false : value)),
  SHUTTLE_SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
  SHUTTLE_MOCK_LATENCY_MS: nonNegativeInt.default(0),
  SHUTTLE_MCP_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
  SHUTTLE_MCP_CALL_TIMEOUT_MS: positiveInt.default(60_000),
  SHUTTLE_DEFAULT_MAX_TOKENS: positiveInt.default(4096),
  SHUTTLE_PRICES_FILE: optionalString,
  SHUTTLE_CACHE_MAX_ENTRY_BYTES: positiveInt.default(1024 * 1024),
  SHUTTLE_CACHE_DEFAULT_TTL_SECONDS: positiveInt.max(30 * 24 * 3600).default(3600),
  SHUTTLE_CACHE_HIT_COST_FRACTION: z.coerce.number().min(0).max(1).default(0),
  SHUTTLE_CACHE_SWEEP_INTERVAL_MS: positiveInt.default(60_000),
  SHUTTLE_DATA_DIR: optionalString,
  SHUTTLE_HEAP_GROWTH_PERCENT: nonNegativeInt.max(1000).default(20),
  SHUTTLE_METRICS_TOKEN: optionalString.refine((token) => token === undefined || token.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  // Only whether traces are exported is read here; the OpenTelemetry SDK reads these and every other OTEL_* variable.
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint,
  OTEL_SDK_DISABLED: z.enum(['true', 'false', '']).default('false'),
  SHUTTLE_ALLOW_PRIVATE_NETWORKS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const allowance = parsePrivateNetworkAllowance(value);
      if (!('invalid' in allowance)) return allowance;
      ctx.addIssue({
        code: 'custom',
        message: `must be true, false, or a comma-separated list of host names, IP addresses and CIDRs; not ${allowance.invalid.join(', ')}`,
      });
      return z.NEVER;
    }),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Namespaces every Redis key and channel, so deployments can share one Redis. */
  redisPrefix: string;
  /** With Redis away: count limits per instance (`local`) or refuse limited requests and logins with 503 (`closed`). */
  redisFailureMode: 'local' | 'closed';
  /** How long a Redis call on the request path may take before the instance gives up on it. */
  redisTimeoutMs: number;
  /**
   * How long a request's concurrency slot in Redis outlives its instance: renewed while the request runs, reclaimed by
   * the others this long after the instance died.
   */
  concurrencyLeaseMs: number;
  secret: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  admin: { email: string | undefined; password: string | undefined };
  bodyLimitBytes: number;
  /**
   * connections: the cap on connections per provider origin; null, none (SHUTTLE_UPSTREAM_CONNECTIONS=0, the default).
   * http2: whether providers are reached over HTTP/2 (SHUTTLE_UPSTREAM_HTTP2; see UpstreamHttp2).
   */
  upstream: { timeoutMs: number; connections: number | null; http2: 'off' | 'tls' | 'cleartext' };
  /** journalSyncMs: how often the usage journal is flushed to disk (fdatasync); 0 leaves it to the kernel. */
  usage: { queueMax: number; batchSize: number; flushIntervalMs: number; stallMs: number; journalSyncMs: number };
  /**
   * The request log: the level of tenants that have not chosen one, and the size past which a request's or an
   * answer's body is truncated in it.
   */
  requestLog: { defaultLevel: 'full' | 'metadata' | 'off'; maxBodyBytes: number };
  /** How often keys' last-used and customers' last-seen times are written. */
  lastUsedFlushMs: number;
  keyCacheTtlMs: number;
  sessionTtlSeconds: number;
  /** How long an invitation link stays valid. */
  invitationTtlSeconds: number;
  login: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowMs: number };
  maxSubKeys: number;
  /** Fastify's trustProxy: false, true, or a comma-separated list of trusted addresses/CIDRs. */
  trustProxy: boolean | string;
  shutdownTimeoutMs: number;
  mockLatencyMs: number;
  /** Registered MCP servers (docs/mcp.md): how long connecting (transport fallback included) and each call may take. */
  mcp: { connectTimeoutMs: number; callTimeoutMs: number };
  /** Completion tokens assumed for limits when a request sets no max_tokens. */
  defaultMaxTokens: number;
  /**
   * The response cache (docs/cache.md): the largest answer stored, the TTL when none is chosen, the share of the
   * original cost a hit is charged, and how often expired database entries are swept.
   */
  responseCache: { maxEntryBytes: number; defaultTtlSeconds: number; hitCostFraction: number; sweepIntervalMs: number };
  /** Where spilled and dead-lettered records are written; unset: beside the SQLite file, or ./data. */
  dataDir: string | undefined;
  /** A JSON file of price overrides for this deployment: {"provider/model": {input, output, cachedInput?}}. */
  pricesFile: string | undefined;
  /** How far the heap may grow past its live data between full collections (`shuttle serve`); 0 leaves it to V8. */
  heapGrowthPercent: number;
  /** When set, GET /metrics needs `Authorization: Bearer <this>`; unset, /metrics is open (keep it off the internet). */
  metricsToken: string | undefined;
  /**
   * Private, loopback and link-local addresses tenants' own URLs (provider connections, alert webhooks) may reach;
   * none by default. The global connections below are the operator's and are never checked.
   */
  privateNetworks: PrivateNetworkAllowance;
  /**
   * Whether requests are exported as OpenTelemetry spans: an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and OTEL_SDK_DISABLED is not true. The SDK reads the OTEL_* variables itself.
   */
  tracing: { enabled: boolean };
  /** The providers the environment enables (OPENAI_API_KEY, ANTHROPIC_API_KEY, …), read from the table in providers.ts. */
  providers: ProviderSettings[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const providers = readProviderSettings(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`);
  problems.push(...providers.problems);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.SHUTTLE_REDIS_PREFIX,
    redisFailureMode: e.SHUTTLE_REDIS_FAILURE_MODE,
    redisTimeoutMs: e.SHUTTLE_REDIS_TIMEOUT_MS,
    concurrencyLeaseMs: e.SHUTTLE_CONCURRENCY_LEASE_MS,
    secret: e.SHUTTLE_SECRET,
    logLevel: e.LOG_LEVEL,
    admin: { email: e.SHUTTLE_ADMIN_EMAIL, password: e.SHUTTLE_ADMIN_PASSWORD },
    bodyLimitBytes: e.SHUTTLE_BODY_LIMIT_BYTES,
    upstream: {
      timeoutMs: e.SHUTTLE_UPSTREAM_TIMEOUT_MS,
      connections: e.SHUTTLE_UPSTREAM_CONNECTIONS === 0 ? null : e.SHUTTLE_UPSTREAM_CONNECTIONS,
      http2: e.SHUTTLE_UPSTREAM_HTTP2,
    },
    usage: {
      queueMax: e.SHUTTLE_USAGE_QUEUE_MAX,
      batchSize: e.SHUTTLE_USAGE_BATCH_SIZE,
      flushIntervalMs: e.SHUTTLE_USAGE_FLUSH_MS,
      stallMs: e.SHUTTLE_USAGE_STALL_MS,
      journalSyncMs: e.SHUTTLE_USAGE_JOURNAL_SYNC_MS,
    },
    requestLog: { defaultLevel: e.SHUTTLE_REQUEST_LOG_DEFAULT, maxBodyBytes: e.SHUTTLE_REQUEST_LOG_MAX_BODY_BYTES },
    lastUsedFlushMs: e.SHUTTLE_LAST_USED_FLUSH_MS,
    keyCacheTtlMs: e.SHUTTLE_KEY_CACHE_TTL_MS,
    sessionTtlSeconds: e.SHUTTLE_SESSION_TTL_SECONDS,
    invitationTtlSeconds: e.SHUTTLE_INVITATION_TTL_SECONDS,
    login: {
      maxFailuresPerAccount: e.SHUTTLE_LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: e.SHUTTLE_LOGIN_MAX_FAILURES_PER_IP,
      windowMs: e.SHUTTLE_LOGIN_WINDOW_SECONDS * 1000,
    },
    maxSubKeys: e.SHUTTLE_MAX_SUB_KEYS,
    trustProxy: e.SHUTTLE_TRUST_PROXY,
    shutdownTimeoutMs: e.SHUTTLE_SHUTDOWN_TIMEOUT_MS,
    mockLatencyMs: e.SHUTTLE_MOCK_LATENCY_MS,
    mcp: { connectTimeoutMs: e.SHUTTLE_MCP_CONNECT_TIMEOUT_MS, callTimeoutMs: e.SHUTTLE_MCP_CALL_TIMEOUT_MS },
    defaultMaxTokens: e.SHUTTLE_DEFAULT_MAX_TOKENS,
    pricesFile: e.SHUTTLE_PRICES_FILE,
    responseCache: {
      maxEntryBytes: e.SHUTTLE_CACHE_MAX_ENTRY_BYTES,
      defaultTtlSeconds: e.SHUTTLE_CACHE_DEFAULT_TTL_SECONDS,
      hitCostFraction: e.SHUTTLE_CACHE_HIT_COST_FRACTION,
      sweepIntervalMs: e.SHUTTLE_CACHE_SWEEP_INTERVAL_MS,
    },
    dataDir: e.SHUTTLE_DATA_DIR,
    heapGrowthPercent: e.SHUTTLE_HEAP_GROWTH_PERCENT,
    metricsToken: e.SHUTTLE_METRICS_TOKEN,
    privateNetworks: e.SHUTTLE_ALLOW_PRIVATE_NETWORKS,
    tracing: {
      enabled:
        (e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined) &&
        e.OTEL_SDK_DISABLED !== 'true',
    },
    providers: providers.providers,
  };
}
