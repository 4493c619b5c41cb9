// The composition root: the services one gateway process runs, built from its Config, and their orderly shutdown.
import { dirname } from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { Agent } from 'undici';
import { AccountService } from './auth/account.js';
import { CredentialCipher } from './auth/credential-cipher.js';
import { InvitationService } from './auth/invitations.js';
import { KeyAuthenticator } from './auth/key-authenticator.js';
import { KeyManager } from './auth/key-manager.js';
import { LoginService } from './auth/login.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { MemberManager } from './auth/member-manager.js';
import { Operators } from './auth/operators.js';
import { PasswordChange } from './auth/password-change.js';
import { SessionTokens } from './auth/session-tokens.js';
import { TenantAdministration } from './auth/tenant-administration.js';
import { UserAuthenticator } from './auth/user-authenticator.js';
import { FallbackWindowCounter } from './cache/fallback-window-counter.js';
import { type InvalidationBus, LocalInvalidationBus, RedisInvalidationBus } from './cache/invalidation-bus.js';
import { closeRedis, connectRedis, type Redis } from './cache/redis.js';
import { RedisFallback, withinBudget } from './cache/redis-fallback.js';
import { MemoryWindowCounter, RedisWindowCounter } from './cache/window-counter.js';
import type { Config } from './config/config.js';
import { createLogger } from './config/logger.js';
import { FlowDeployments } from './flows/flow-deployments.js';
import { FlowRunLog } from './flows/flow-run-log.js';
import { FlowRunner } from './flows/flow-runner.js';
import { Flows } from './flows/flows.js';
import { guardedFetch } from './flows/mcp/guarded-fetch.js';
import { McpServers } from './flows/mcp/mcp-servers.js';
import { RunRetention } from './flows/run-retention.js';
import { AgentToolExecutor } from './flows/tools/agent-executor.js';
import { CritiqueToolExecutor } from './flows/tools/critique-executor.js';
import { HttpToolExecutor } from './flows/tools/http-executor.js';
import { McpToolExecutor } from './flows/tools/mcp-executor.js';
import { McpToolImport } from './flows/tools/mcp-import.js';
import { ToolExecutors } from './flows/tools/tool-executor.js';
import { ToolLibrary } from './flows/tools/tool-library.js';
import { ToolTester } from './flows/tools/tool-test.js';
import { ResponseStore } from './gateway/dialects/responses/response-store.js';
import { ResponsesService } from './gateway/dialects/responses/responses-service.js';
import { Environments } from './gateway/environments.js';
import { Gateway } from './gateway/gateway.js';
import { ProviderConnections } from './gateway/provider-connection-service.js';
import { globalConnections } from './gateway/providers/global-connections.js';
import type { ProviderAdapter, ProviderConnection } from './gateway/providers/provider.js';
import { createAdapters } from './gateway/providers/registry.js';
import { CacheSweeper, DatabaseCacheStore, RedisCacheStore } from './gateway/response-cache/cache-stores.js';
import { ResponseCache } from './gateway/response-cache/response-cache.js';
import { Router } from './gateway/routing/router.js';
import { RoutingRules } from './gateway/routing/routing-rules.js';
import { TargetHealth } from './gateway/routing/target-health.js';
import { TenantConfigCache } from './gateway/tenant-config.js';
import { createUpstreamAgent, http2ConnectOptions, UpstreamClient } from './gateway/upstream-client.js';
import { UpstreamPoolWatch } from './gateway/upstream-pool-watch.js';
import { CustomerDirectory } from './metering/customer-directory.js';
import { CustomerService } from './metering/customer-service.js';
import { ConcurrencyGate } from './metering/limits/concurrency-gate.js';
import { MemoryConcurrencyLimiter, RedisConcurrencyLimiter } from './metering/limits/concurrency-limiter.js';
import { FallbackConcurrencyLimiter } from './metering/limits/fallback-concurrency-limiter.js';
import { FallbackRateLimiter } from './metering/limits/fallback-rate-limiter.js';
import { FallbackSpendLedger } from './metering/limits/fallback-spend-ledger.js';
import { LimitAlerts } from './metering/limits/limit-alerts.js';
import { LimitGate } from './metering/limits/limit-gate.js';
import { MemoryRateLimiter, RedisRateLimiter } from './metering/limits/rate-limiter.js';
import { MemorySpendLedger, RedisSpendLedger } from './metering/limits/spend-ledger.js';
import { GatewayMetrics } from './metering/metrics.js';
import { Plans } from './metering/plans.js';
import { loadPriceFile } from './metering/price-overrides.js';
import { PriceTable } from './metering/price-table.js';
import { RequestLog } from './metering/request-log.js';
import { RequestLogRetention } from './metering/request-log-retention.js';
import type { RequestTracer } from './metering/request-tracer.js';
import { TenantSettings } from './metering/tenant-settings.js';
import { AddressPolicy, type HostResolver } from './network/address-policy.js';
import { guardedConnector } from './network/guarded-connector.js';
import { AuditLogReader } from './store/audit-log-reader.js';
import { type BatchSink, BatchWriter } from './store/batch-writer.js';
import { type Db, dialectOf, migrateToLatest, openDatabase, pingDatabase } from './store/database.js';
import { DeadLetters } from './store/dead-letters.js';
import { sqlitePath } from './store/dialects/sqlite.js';
import { randomBase62 } from './store/ids.js';
import { LastUsedTracker } from './store/last-used-tracker.js';
import { databaseTag, RecordJournal } from './store/record-journal.js';
import type { DeadLetterKind } from './store/repositories/dead-letters.js';
import type { FlowRunRecord } from './store/repositories/flow-runs.js';
import { RequestLogRepository } from './store/repositories/request-log.js';
import { ResponseCacheRepository } from './store/repositories/response-cache.js';
import type { UsageEventValues } from './store/repositories/usage-event-columns.js';
import { fromValues, toValues, type UsageEvent } from './store/repositories/usage-events.js';
import { createRepositories, type Repositories } from './store/repositories.js';
import { type RequestLogRecord, requestLogRecordChars, requestLogRow } from './store/request-log-record.js';
import { WriterWorker } from './store/worker-sink.js';

export interface RuntimeOptions {
  logDestination?: DestinationStream;
  /** Resolves the host names of tenants' URLs (default: the system's resolver); tests rebind names with it. */
  resolveHost?: HostResolver;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Db;
  repos: Repositories;
  /** Signs session tokens and derives the credential-encryption key. */
  secret: string;
  /** Present when REDIS_URL is set: shared counters. */
  redis: Redis | undefined;
  bus: InvalidationBus;
  keys: KeyAuthenticator;
  users: UserAuthenticator;
  sessionTokens: SessionTokens;
  login: LoginService;
  keyManager: KeyManager;
  memberManager: MemberManager;
  invitations: InvitationService;
  passwordChange: PasswordChange;
  account: AccountService;
  /** Server operators (docs/operators.md); what they do to tenants; the plans they give them. */
  operators: Operators;
  tenantAdministration: TenantAdministration;
  plans: Plans;
  /** The shipped price table with this deployment's overrides; tenants' own overrides are in tenantConfigs. */
  prices: PriceTable;
  tenantConfigs: TenantConfigCache;
  tenantSettings: TenantSettings;
  customers: CustomerDirectory;
  customerService: CustomerService;
  /** What usage reports read (GET /usage, a customer's usage); read-only. */
  usageReports: Pick<Repositories, 'usage' | 'customers'>;
  router: Router;
  routingRules: RoutingRules;
  environments: Environments;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  globalConnections: readonly ProviderConnection[];
  providerConnections: ProviderConnections;
  cipher: CredentialCipher;
  /** Which addresses tenants' URLs may reach (SHUTTLE_ALLOW_PRIVATE_NETWORKS). */
  network: AddressPolicy;
  gateway: Gateway;
  /** Requests in flight at once per tenant (and plan), key and customer: slots in Redis, else in memory. */
  concurrency: ConcurrencyGate;
  /** Identical requests answered again without the provider (docs/cache.md): in Redis, else the database. */
  responseCache: ResponseCache;
  usageWriter: BatchWriter<UsageEvent>;
  flowRunWriter: BatchWriter<FlowRunRecord>;
  requestLogWriter: BatchWriter<RequestLogRecord>;
  /** The request log: entries queued as requests are recorded, and read by GET /requests. */
  requestLog: RequestLog;
  requestLogRetention: RequestLogRetention;
  /** Records the database refused, set aside by the writers above. */
  deadLetters: DeadLetters;
  flowRunner: FlowRunner;
  /** The Responses API: requests through the gateway, and the responses tenants store. */
  responses: ResponsesService;
  responseStore: ResponseStore;
  flows: Flows;
  /** The tenants' registered MCP servers: CRUD, discover, and callTool for the `mcp` tool type. */
  mcpServers: McpServers;
  /** The tenant's flow tool library. */
  tools: ToolLibrary;
  /** The tool executors by type (`mcp` is wired from the MCP servers' service). */
  toolExecutors: ToolExecutors;
  /** Runs one tool alone (POST /tools/{id}/test). */
  toolTester: ToolTester;
  /** An MCP server's tools: which are imported, and their import into the library. */
  mcpToolImport: McpToolImport;
  /** A flow's run log (read-only). */
  flowRunLog: FlowRunLog;
  /** The tenant's audit log (read-only). */
  auditLog: AuditLogReader;
  /** Resolves when the database answers, rejects when it cannot be reached. */
  pingDatabase(): Promise<void>;
  /** Whether Redis serves shared state (`degraded`: calls fall back, see RedisFallback), or none is configured. */
  redisState(): 'ok' | 'degraded' | 'not_configured';
  flowDeployments: FlowDeployments;
  metrics: GatewayMetrics;
  /** Exports requests as OpenTelemetry spans when an OTLP endpoint is set; null otherwise. */
  tracing: RequestTracer | null;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const db = await openDatabase(config.databaseUrl);
  await migrateToLatest(db, config.databaseUrl);
  const repos = createRepositories(db);
  const secret = config.secret ?? (await repos.settings.putIfAbsent('secret', randomBase62(64)));

  // Records are written by a worker thread with its own connection, off the event loop that serves requests (an
  // in-memory SQLite database cannot be shared with another thread, so it is written in place).
  const writer = sqliteInMemory(config) ? undefined : new WriterWorker(config.databaseUrl, logger, config.requestLog.maxBodyBytes);
  await writer?.whenReady();
  const dataDir = dataDirectory(config);
  const spillTag = databaseTag(config.databaseUrl);
  const deadLetters = new DeadLetters(repos.deadLetters, dataDir, logger);
  const batchWriter = <T>(name: 'usage' | 'flow-runs', kind: DeadLetterKind, sink: BatchSink<T>, journal?: RecordJournal<T>) =>
    new BatchWriter<T>(sink, {
      ...(journal ? { journal } : {}),
      name,
      maxQueue: config.usage.queueMax,
      batchSize: config.usage.batchSize,
      flushIntervalMs: config.usage.flushIntervalMs,
      spillDir: dataDir,
      spillTag,
      logger,
      setAside: (refused) => deadLetters.setAside({ kind, ...refused }),
    });
  // A killed process's events are on disk until written (an in-memory database dies with the process anyway).
  const usageJournal = sqliteInMemory(config)
    ? undefined
    : new RecordJournal<UsageEvent>({
        dir: dataDir,
        name: 'usage',
        databaseUrl: config.databaseUrl,
        logger,
        syncIntervalMs: config.usage.journalSyncMs,
        encode: toValues,
        decode: (values) => fromValues(values as UsageEventValues),
      });
  const usageWriter = batchWriter<UsageEvent>('usage', 'usage_event', writer?.usageSink() ?? repos.usageEvents, usageJournal);
  await usageWriter.replaySpilled();
  usageWriter.start();

  const redis =
    config.redisUrl === undefined ? undefined : connectRedis(config.redisUrl, 'state', { timeoutMs: REDIS_COMMAND_TIMEOUT_MS, logger });
  const fallback = redis && new RedisFallback(redis, config.redisFailureMode, config.redisTimeoutMs, logger);
  const bus = createInvalidationBus(config, logger);
  if (redis && bus instanceof RedisInvalidationBus) await connectedOrLater(Promise.all([bus.whenReady(), whenConnected(redis)]), logger);
  const flowRunWriter = batchWriter<FlowRunRecord>('flow-runs', 'flow_run', writer?.flowRunSink() ?? repos.flowRuns);
  await flowRunWriter.replaySpilled();
  flowRunWriter.start();
  // The request log's writer: no journal (an entry's bodies would double the disk writes of every request); spilled at
  // shutdown, and an entry the database refuses set aside as a dead letter, like the others.
  const requestLogRepository = new RequestLogRepository(db);
  const requestLogWriter = new BatchWriter<RequestLogRecord>(
    writer?.requestLogSink() ?? {
      insertBatch: (records) =>
        requestLogRepository.insertRows(records.map((record) => requestLogRow(record, config.requestLog.maxBodyBytes))),
    },
    {
      name: 'request-log',
      maxQueue: config.usage.queueMax,
      batchSize: Math.min(config.usage.batchSize, REQUEST_LOG_BATCH_ENTRIES),
      // At level full, 500 streamed answers are several megabytes to serialise for the writer thread in one go: tens of
      // milliseconds when no stream's chunk can be sent (docs/benchmarks.md, concurrent streams).
      maxBatchWeight: REQUEST_LOG_BATCH_CHARS,
      weigh: requestLogRecordChars,
      flushIntervalMs: config.usage.flushIntervalMs,
      spillDir: dataDir,
      spillTag,
      logger,
      setAside: (refused) => deadLetters.setAside({ kind: 'request_log_entry', ...refused }),
    },
  );
  await requestLogWriter.replaySpilled();
  requestLogWriter.start();
  const requestLog = new RequestLog(requestLogWriter, requestLogRepository);
  const requestLogRetention = new RequestLogRetention(repos.tenants, requestLogRepository, config.requestLog.defaultLevel, logger);
  requestLogRetention.start();
  const runRetention = new RunRetention(repos.tenants, repos.flowRuns, logger, repos.storedResponses);
  runRetention.start();

  const lastUsed = new LastUsedTracker(repos.apiKeys, config.lastUsedFlushMs);
  lastUsed.start();
  const keys = new KeyAuthenticator(repos.apiKeys, lastUsed, bus, { ttlMs: config.keyCacheTtlMs });
  const tokens = new SessionTokens(secret, config.sessionTtlSeconds);
  const users = new UserAuthenticator(tokens, repos.users, repos.memberships, bus);
  const failures =
    redis && fallback
      ? new FallbackWindowCounter(new RedisWindowCounter(redis, `${config.redisPrefix}login:`), fallback)
      : new MemoryWindowCounter();
  const loginThrottle = new LoginThrottle(failures, config.login);
  const login = new LoginService(repos.users, repos.memberships, repos.auditLog, tokens, loginThrottle);
  const keyManager = new KeyManager(db, bus, lastUsed, config.maxSubKeys);
  const memberManager = new MemberManager(db, bus);
  const invitations = new InvitationService(db, bus, tokens, config.invitationTtlSeconds * 1000);
  const passwordChange = new PasswordChange(db, bus, tokens, loginThrottle);
  const account = new AccountService(db, bus);
  const operators = new Operators(db, bus);
  const tenantAdministration = new TenantAdministration(db, bus, invitations, logger);
  const plans = new Plans(db, bus);

  const metrics = new GatewayMetrics(
    () => usageWriter.depth,
    () => deadLetters.counts,
    () => usageWriter.stats,
  );
  const deploymentPrices = loadPriceFile(config.pricesFile);
  const prices = new PriceTable(deploymentPrices);
  const cipher = new CredentialCipher(secret);
  const tenantConfigs = new TenantConfigCache(repos, cipher, deploymentPrices, bus, config.requestLog.defaultLevel);
  const customerLastSeen = new LastUsedTracker({ touchLastUsed: (uses) => repos.customers.touchLastSeen(uses) }, config.lastUsedFlushMs);
  customerLastSeen.start();
  const customers = new CustomerDirectory(repos.customers, customerLastSeen, bus);
  const customerService = new CustomerService(db, bus);
  const network = new AddressPolicy(config.privateNetworks, options.resolveHost);
  const tenantSettings = new TenantSettings(db, bus, network);
  const tenantConnector = guardedConnector(network);
  const webhookAgent = new Agent({ connect: tenantConnector });
  const limitGate = new LimitGate(
    db,
    redis && fallback ? new FallbackRateLimiter(new RedisRateLimiter(redis, config.redisPrefix), fallback) : new MemoryRateLimiter(),
    redis && fallback
      ? new FallbackSpendLedger(new RedisSpendLedger(redis, config.redisPrefix, config.upstream.timeoutMs + 60_000), fallback, logger)
      : new MemorySpendLedger(),
    new LimitAlerts(db, logger, webhookAgent),
    metrics,
    logger,
  );
  const sharedSlots =
    redis && fallback
      ? new RedisConcurrencyLimiter(
          redis,
          config.redisPrefix,
          config.concurrencyLeaseMs,
          (error) => logger.debug({ err: error }, 'concurrency slots not renewed'),
          (call) => withinBudget(call, config.redisTimeoutMs),
        )
      : undefined;
  const concurrency = new ConcurrencyGate(
    sharedSlots && fallback ? new FallbackConcurrencyLimiter(sharedSlots, fallback) : new MemoryConcurrencyLimiter(),
    metrics,
    (error) => logger.warn({ err: error }, 'concurrency slots not released (they expire with their lease)'),
  );
  // The OpenTelemetry SDK is loaded only when it is used: a process without tracing does not pay for loading it.
  const tracing: RequestTracer | null = config.tracing.enabled
    ? new (await import('./metering/request-tracer.js')).RequestTracer(logger)
    : null;
  // The tenants' upstream connections pass the same address checks as their webhooks', with HTTP/2 when it is on.
  const upstreamAgents = [
    createUpstreamAgent(config.upstream.connections, undefined, config.upstream.http2),
    createUpstreamAgent(
      config.upstream.connections,
      config.upstream.http2 === 'off' ? tenantConnector : guardedConnector(network, http2ConnectOptions(config.upstream.http2)),
      config.upstream.http2,
    ),
  ] as const;
  const upstream = new UpstreamClient(...upstreamAgents, tracing);
  const upstreamPools = new UpstreamPoolWatch(upstreamAgents, config.upstream.connections, logger);
  metrics.gaugeUpstreamWaiting(() => upstreamPools.waiting());
  upstreamPools.start();
  const adapters = createAdapters({ client: upstream, mockLatencyMs: config.mockLatencyMs });
  const health = new TargetHealth();
  const globals = globalConnections(config);
  const router = new Router(globals, adapters, prices, health);
  const cacheEntries = new ResponseCacheRepository(db);
  const responseCache = new ResponseCache(
    redis
      ? new RedisCacheStore(redis, config.redisPrefix, config.redisTimeoutMs)
      : new DatabaseCacheStore(cacheEntries, writer?.responseCacheSink()),
    db,
    metrics,
    config.responseCache,
    logger,
  );
  const cacheSweeper = redis
    ? undefined
    : new CacheSweeper(cacheEntries, config.responseCache.sweepIntervalMs, (error) =>
        logger.warn({ err: error }, 'expired response cache entries not swept'),
      );
  cacheSweeper?.start();
  const gateway = new Gateway(
    router,
    health,
    limitGate,
    metrics,
    { timeoutMs: config.upstream.timeoutMs, defaultMaxTokens: config.defaultMaxTokens },
    tracing,
    responseCache,
  );

  const tools = new ToolLibrary(db, cipher, network);
  // Flow tools' HTTP calls: connections checked by the address policy, like every tenant URL.
  const toolAgent = new Agent({ connect: tenantConnector });
  const toolExecutors = new ToolExecutors().register('http', new HttpToolExecutor(tools, toolAgent));
  const flowRunner = new FlowRunner(repos.flows, gateway, tools, toolExecutors);
  toolExecutors.register('agent', new AgentToolExecutor(repos.flows, flowRunner));
  toolExecutors.register('critique', new CritiqueToolExecutor(repos.flows, flowRunner));
  const responseStore = new ResponseStore(repos.storedResponses, logger, writer?.storedResponseSink());
  const responses = new ResponsesService(gateway, responseStore);
  const providerConnections = new ProviderConnections(db, bus, cipher, network, adapters, globals);
  const routingRules = new RoutingRules(db, bus, tenantConfigs, router);
  const environments = new Environments(db, bus);
  const flows = new Flows(db);
  const flowDeployments = new FlowDeployments(db, flows);
  const flowRunLog = new FlowRunLog(db);
  // Tenants' MCP servers are reached only through the address guard, like their provider connections.
  const mcpAgent = new Agent({ connect: tenantConnector });
  const mcpServers = new McpServers(db, cipher, network, {
    fetch: guardedFetch(mcpAgent, MCP_MAX_RESPONSE_BYTES),
    connectTimeoutMs: config.mcp.connectTimeoutMs,
    callTimeoutMs: config.mcp.callTimeoutMs,
  });
  toolExecutors.register('mcp', new McpToolExecutor(mcpServers));
  const toolTester = new ToolTester(toolExecutors);
  const mcpToolImport = new McpToolImport(mcpServers, tools);
  const auditLog = new AuditLogReader(db);

  return {
    config,
    logger,
    db,
    repos,
    secret,
    redis,
    bus,
    keys,
    users,
    sessionTokens: tokens,
    login,
    keyManager,
    memberManager,
    invitations,
    passwordChange,
    account,
    operators,
    tenantAdministration,
    plans,
    prices,
    tenantConfigs,
    tenantSettings,
    customers,
    customerService,
    usageReports: { usage: repos.usage, customers: repos.customers },
    router,
    routingRules,
    environments,
    adapters,
    globalConnections: globals,
    providerConnections,
    cipher,
    network,
    gateway,
    concurrency,
    responseCache,
    usageWriter,
    flowRunWriter,
    requestLogWriter,
    requestLog,
    requestLogRetention,
    deadLetters,
    flowRunner,
    responses,
    responseStore,
    flows,
    mcpServers,
    tools,
    toolExecutors,
    toolTester,
    mcpToolImport,
    flowDeployments,
    flowRunLog,
    auditLog,
    pingDatabase: () => pingDatabase(db),
    redisState: () => fallback?.state ?? 'not_configured',
    metrics,
    tracing,
    async close() {
      runRetention.stop();
      upstreamPools.stop();
      // The last requests' spans are exported while the rest closes (an export waits at most OTEL_EXPORTER_OTLP_TIMEOUT).
      const spansExported = tracing?.close().catch((error: unknown) => logger.warn({ err: error }, 'OpenTelemetry spans not exported'));
      await cacheSweeper?.stop();
      await responseCache.idle();
      requestLogRetention.stop();
      // Records neither written nor spilled: everything else is still closed, then the loss is thrown for the
      // process to exit non-zero.
      const lost = (
        await Promise.allSettled([
          usageWriter.close(config.shutdownTimeoutMs),
          flowRunWriter.close(config.shutdownTimeoutMs),
          requestLogWriter.close(config.shutdownTimeoutMs),
        ])
      ).flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      // Before the writer thread closes: it writes them.
      await responseStore.flush();
      await writer?.close();
      await lastUsed.close().catch((error: unknown) => logger.warn({ err: error }, 'last-used times not saved'));
      await customerLastSeen.close().catch((error: unknown) => logger.warn({ err: error }, 'customers’ last-seen times not saved'));
      await upstream.close();
      await webhookAgent.close();
      await mcpAgent.close();
      await toolAgent.close();
      await bus.close();
      sharedSlots?.close();
      await spansExported;
      if (redis) await closeRedis(redis);
      await db.destroy();
      if (lost.length > 0) throw lost.length === 1 ? lost[0] : new AggregateError(lost, 'records were lost at shutdown');
    },
  };
}

/**
 * When a Redis command is abandoned, whoever waits on it. Requests wait far less (SHUTTLE_REDIS_TIMEOUT_MS, then fall
 * back); this only keeps commands to a Redis that stopped answering from piling up.
 */
const REDIS_COMMAND_TIMEOUT_MS = 5000;

/** The largest response Shuttle reads from a tenant's MCP server (one JSON-RPC answer, or its event stream). */
const MCP_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/**
 * The most characters of request log entries sent to the writer thread at once: serialising 256 K characters blocks
 * the event loop for about a millisecond, and a batch cut here goes out as soon as the one before is written.
 */
const REQUEST_LOG_BATCH_CHARS = 256 * 1024;

/**
 * The most request log entries in a batch. An entry keeps its request's bodies alive until its batch is handed over:
 * 500 at a time (the usage writer's batch) outlived the young generation's collections under load, so the bodies were
 * promoted and later swept by full collections — most of what level `full` cost over `metadata` (docs/benchmarks.md).
 */
const REQUEST_LOG_BATCH_ENTRIES = 100;

/** How long start-up waits for Redis before serving without it (and connecting in the background). */
const REDIS_STARTUP_WAIT_MS = 2000;

function createInvalidationBus(config: Config, logger: Logger): InvalidationBus {
  if (config.redisUrl === undefined) return new LocalInvalidationBus();
  return new RedisInvalidationBus(config.redisUrl, {
    prefix: config.redisPrefix,
    timeoutMs: REDIS_COMMAND_TIMEOUT_MS,
    publishWaitMs: config.redisTimeoutMs,
    logger,
  });
}

function whenConnected(redis: Redis): Promise<void> {
  return redis.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => redis.once('ready', () => resolve()));
}

/** Waits a little for Redis, so that a normal start shares limits from its first request; then goes on without it. */
async function connectedOrLater(connected: Promise<unknown>, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), REDIS_STARTUP_WAIT_MS);
  });
  const outcome = await Promise.race([connected.then(() => 'connected' as const), waited]);
  clearTimeout(timer);
  if (outcome === 'late') logger.warn('Redis not reachable yet: serving without it, and connecting in the background');
}

function sqliteInMemory(config: Config): boolean {
  return dialectOf(config.databaseUrl) === 'sqlite' && sqlitePath(config.databaseUrl) === ':memory:';
}

/** Where local state (spilled and dead-lettered records) lives: SHUTTLE_DATA_DIR, beside the SQLite file, or ./data. */
function dataDirectory(config: Config): string {
  if (config.dataDir !== undefined) return config.dataDir;
  if (dialectOf(config.databaseUrl) === 'sqlite') {
    const path = sqlitePath(config.databaseUrl);
    if (path !== ':memory:') return dirname(path);
  }
  return './data';
}
