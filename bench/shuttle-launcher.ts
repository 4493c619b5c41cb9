// Starts Shuttle from the built CLI (`shuttle bootstrap --json`, then `shuttle serve`) with its whole pipeline on.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchDatabase, createBenchDatabase, type ShuttleStore } from './bench-database.js';
import { collectStdout, type ManagedProcess, waitForHttp } from './child-processes.js';
import { childEnv, freePort, type LaunchContext, type Target, type TargetName } from './target.js';

const SHUTTLE_BIN = fileURLToPath(new URL('../../bin/shuttle.js', import.meta.url));

/** End customers the requests are attributed to (X-Shuttle-Customer-Id), rotated request by request. */
const CUSTOMERS = 100;

export interface BootstrappedTenant {
  tenantId: string;
  userId: string;
  masterKey: string;
  email: string;
  password: string;
}

export interface ShuttlePipeline {
  /** Headers every request carries (the credential). */
  headers: Record<string, string>;
  /** Headers rotated per request (the end customer). */
  headerVariants: Record<string, string>[];
}

/** Limits far above anything the benchmark reaches, so every check runs on every request and none refuses. */
const GENEROUS_LIMITS = {
  costUsd: { day: 1_000_000, month: 10_000_000, total: null },
  requestsPerMinute: 100_000_000,
  tokensPerMinute: 1_000_000_000,
};

/**
 * Sets Shuttle up the way a production tenant runs it, and returns what each benchmark request sends: the owner
 * logs in, creates a sub-key (requests authenticate with it, not the master key) and puts cost and rate limits on
 * the tenant, the sub-key and every benchmark customer, so that all of them are checked (and settled) per request.
 */
export async function configureShuttlePipeline(baseUrl: string, tenant: BootstrappedTenant): Promise<ShuttlePipeline> {
  const api = async (method: string, path: string, token: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const session = await api('POST', '/auth/login', '', { email: tenant.email, password: tenant.password });
  const token = session.token as string;
  const subKey = await api('POST', '/keys', token, { name: 'Benchmark sub-key' });
  await api('PATCH', `/keys/${subKey.id as string}`, token, { limits: GENEROUS_LIMITS });
  await api('PATCH', '/tenant', token, { limits: GENEROUS_LIMITS });
  const customers = Array.from({ length: CUSTOMERS }, (_, index) => `bench-customer-${String(index).padStart(3, '0')}`);
  for (const externalId of customers) await api('POST', '/customers', subKey.key as string, { externalId, limits: GENEROUS_LIMITS });
  return {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${subKey.key as string}` },
    headerVariants: customers.map((externalId) => ({ 'x-shuttle-customer-id': externalId })),
  };
}

async function bootstrapTenant(context: LaunchContext, env: NodeJS.ProcessEnv, database: BenchDatabase): Promise<BootstrappedTenant> {
  const email = 'bench@example.com';
  const password = randomBytes(12).toString('base64url');
  const managed = context.children.spawn(
    'shuttle bootstrap',
    process.execPath,
    [SHUTTLE_BIN, 'bootstrap', '--tenant', 'Benchmark', '--email', email, '--password', password, '--json'],
    { cores: null, env, cwd: database.workDir },
  );
  const created = JSON.parse(await collectStdout(managed)) as Omit<BootstrappedTenant, 'email' | 'password'>;
  return { ...created, email, password };
}

/** The header a request lowers its tenant's request log level with (docs/request-log.md). */
export const REQUEST_LOG_HEADER = 'x-shuttle-log';

/** The shared Redis the redis cache-hit target keeps its entries in (its keys under a prefix of the run's own). */
const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ShuttleVariant {
  /** Every request asks the response cache (x-shuttle-cache: use) in the database or in Redis; the requests being identical, all but the first are hits. */
  cache?: 'database' | 'redis';
  /**
   * Every request lowers the request log to this level with `x-shuttle-log` (the tenant stays at the default: `full`,
   * or the harness's SHUTTLE_REQUEST_LOG_DEFAULT). A header, not the tenant's setting, so that the level check can
   * swap the levels of two processes from one run to the next (TargetSession.runCellBesides()); past the header, a
   * request lowered so takes the path of a tenant's at that level.
   */
  requestLogLevel?: 'metadata';
}

/** Shuttle on a store, as the target `name`. */
export async function launchShuttle(
  context: LaunchContext,
  name: TargetName,
  store: ShuttleStore,
  { cache, requestLogLevel }: ShuttleVariant = {},
): Promise<Target> {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url)))) {
    throw new Error('Shuttle is not built: run `npm run build` (npm run bench does)');
  }
  const database = createBenchDatabase(store);
  // Dropped even when the run is interrupted (Ctrl-C) before this target's stop().
  context.onCleanup(database.drop);
  let managed: ManagedProcess | undefined;
  try {
    const port = await freePort();
    const env = childEnv({
      ...context.targetEnv,
      DATABASE_URL: database.url,
      OPENAI_BASE_URL: `${context.h2cUpstreamOrigin ?? context.upstreamOrigin}/v1`,
      ...(context.h2cUpstreamOrigin ? { SHUTTLE_UPSTREAM_HTTP2: 'cleartext' } : {}),
      OPENAI_API_KEY: 'sk-bench',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: context.shuttleLogLevel,
      SHUTTLE_SECRET: randomBytes(32).toString('hex'),
      ...(cache === 'redis' ? { REDIS_URL: BENCH_REDIS_URL, SHUTTLE_REDIS_PREFIX: `bench-${randomBytes(6).toString('hex')}:` } : {}),
    });
    const tenant = await bootstrapTenant(context, env, database);
    const profile = context.profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', context.profileDir];
    const baseUrl = `http://127.0.0.1:${port}`;
    const serve = async (): Promise<ManagedProcess> => {
      managed = context.children.spawn(`shuttle-${store}`, process.execPath, [...profile, SHUTTLE_BIN, 'serve'], {
        cores: context.layout.target,
        env,
        cwd: database.workDir,
      });
      // Shuttle logs to stdout; keep the pipe drained so that it never blocks.
      managed.child.stdout?.resume();
      await waitForHttp(managed, `${baseUrl}/healthz`);
      return managed;
    };
    let server = await serve();
    const pipeline = await configureShuttlePipeline(baseUrl, tenant);
    // SIGTERM is Shuttle's graceful stop: requests in flight finish and every usage event is written.
    const stopServer = (): Promise<number | string> => server.stop('SIGTERM', 60_000);
    return {
      name,
      url: `${baseUrl}/api/v1/chat/completions`,
      headers: {
        ...pipeline.headers,
        ...(cache === undefined ? {} : { 'x-shuttle-cache': 'use' }),
        ...(requestLogLevel === undefined ? {} : { [REQUEST_LOG_HEADER]: requestLogLevel }),
      },
      headerVariants: pipeline.headerVariants,
      get pid() {
        return server.pid;
      },
      restart: async () => {
        const exit = await stopServer();
        if (exit !== 0) throw new Error(`stopping for a restart ended with ${exit}`);
        server = await serve();
      },
      stop: async () => {
        try {
          const exit = await stopServer();
          return { exit, usageEvents: await database.countUsageEvents() };
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await managed?.stop();
    await database.drop().catch(() => undefined);
    throw error;
  }
}
