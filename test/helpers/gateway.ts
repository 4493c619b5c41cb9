// Starts the real gateway on an ephemeral port against a fresh database, with a provisioned tenant.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { loadConfig } from '../../src/config/config.js';
import type { PlanSource } from '../../src/gateway/tenant-config.js';
import type { HostResolver } from '../../src/network/address-policy.js';
import { createShuttle, type Shuttle } from '../../src/shuttle.js';
import { freshDatabase, type TestDatabase, type TestDialect } from './databases.js';

export interface TestGateway {
  url: string;
  /** `${url}/api/v1`, the baseURL for the openai SDK. */
  api: string;
  masterKey: string;
  tenantId: string;
  userId: string;
  shuttle: Shuttle;
  database: TestDatabase;
  /** Log lines written so far, parsed, when started with captureLogs. */
  logs(): Array<Record<string, unknown>>;
  logText(): string;
  close(): Promise<void>;
}

export interface GatewayOptions {
  dialect?: TestDialect;
  env?: Record<string, string>;
  captureLogs?: boolean;
  /** Another instance on the same database (and its tenant): the first instance's `database`. */
  sharing?: TestGateway;
  /** A database prepared by the test (e.g. at an older migration); dropped on close. */
  database?: TestDatabase;
  /** Rewrites the database URL the gateway connects with (e.g. through a TCP proxy). */
  connectVia?: (url: string) => string;
  /** Resolves the host names of tenants' URLs instead of the system's resolver. */
  resolveHost?: HostResolver;
  /** The plan of a tenant (a seam until plans are stored; see RuntimeOptions.planOf). */
  planOf?: PlanSource;
}

export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const database = options.sharing?.database ?? options.database ?? (await freshDatabase(options.dialect ?? 'sqlite'));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const config = loadConfig({
    DATABASE_URL: options.connectVia ? options.connectVia(database.url) : database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.captureLogs ? 'info' : 'silent',
    SHUTTLE_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    SHUTTLE_USAGE_FLUSH_MS: '20',
    // Fake upstreams listen on 127.0.0.1; tests of the refusal itself set this narrower, or to ''.
    SHUTTLE_ALLOW_PRIVATE_NETWORKS: '127.0.0.1',
    // On a loaded test machine Redis can take longer than the production budget (100 ms) to answer, and the request
    // would then be counted in memory instead: tests of shared counting must not depend on the machine's load. The
    // Redis outage tests set the production budget.
    SHUTTLE_REDIS_TIMEOUT_MS: '2000',
    // Each instance its own data directory, as in production: with PostgreSQL the default (./data) would be shared by
    // every test of the run, and one test's spill files replayed by the next.
    ...(database.url.startsWith('postgres') ? { SHUTTLE_DATA_DIR: mkdtempSync(join(tmpdir(), 'shuttle-test-data-')) } : {}),
    ...options.env,
  });
  const shuttle = await createShuttle(config, {
    logDestination: destination,
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.planOf ? { planOf: options.planOf } : {}),
  });
  const tenant = options.sharing
    ? { masterKey: options.sharing.masterKey, tenantId: options.sharing.tenantId, userId: options.sharing.userId }
    : await provisionTenant(shuttle.runtime.db, { tenantName: 'Acme', email: 'owner@acme.test', password: 'correct horse battery' }).then(
        (p) => ({
          masterKey: p.masterKey,
          tenantId: p.tenant.id,
          userId: p.user.id,
        }),
      );
  const url = await shuttle.listen();
  return {
    url,
    api: `${url}/api/v1`,
    ...tenant,
    shuttle,
    database,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logText: () => lines.join('\n'),
    async close() {
      await shuttle.close();
      if (!options.sharing) await database.drop();
    },
  };
}

/** Waits until every usage event so far is in the database. */
export async function flushUsage(gateway: TestGateway): Promise<void> {
  // A usage event is queued when the server side of the response closes, which can trail the client's read.
  await new Promise((resolve) => setTimeout(resolve, 25));
  await gateway.shuttle.runtime.usageWriter.flush();
  const deadline = Date.now() + 5_000;
  while (gateway.shuttle.runtime.usageWriter.depth > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    await gateway.shuttle.runtime.usageWriter.flush();
  }
}

export function postJson(gateway: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.api}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
