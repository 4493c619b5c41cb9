// What CLI admin commands share: the database, the invalidation bus (so running instances hear about revocations
// when REDIS_URL is set), the tenant named on the command line, and the audit actor "cli".
import { type InvalidationBus, LocalInvalidationBus, RedisInvalidationBus } from '../cache/invalidation-bus.js';
import { type Config, loadConfig } from '../config/config.js';
import { type Db, migrateToLatest, openDatabase } from '../store/database.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { TenantRepository } from '../store/repositories/tenants.js';
import { CliError } from './output.js';

export interface AdminContext {
  config: Config;
  db: Db;
  bus: InvalidationBus;
  actor: Actor;
}

export const CLI_ACTOR: Actor = { type: 'system', id: null, label: 'cli', ip: null };

export async function withAdminContext<T>(run: (context: AdminContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl);
  const bus =
    config.redisUrl === undefined ? new LocalInvalidationBus() : new RedisInvalidationBus(config.redisUrl, { prefix: config.redisPrefix });
  try {
    await migrateToLatest(db, config.databaseUrl);
    return await run({ config, db, bus, actor: CLI_ACTOR });
  } finally {
    await bus.close();
    await db.destroy();
  }
}

/** `--tenant` takes a tenant id (ten_…) or a name, which must then be unambiguous. */
export async function resolveTenant(db: Db, idOrName: string): Promise<string> {
  const tenants = new TenantRepository(db);
  const byId = await tenants.get(idOrName);
  if (byId) return byId.id;
  const byName = await tenants.findByName(idOrName);
  if (byName.length === 1 && byName[0]) return byName[0].id;
  if (byName.length > 1)
    throw new CliError(`Several tenants are named "${idOrName}"; use one of their ids: ${byName.map((t) => t.id).join(', ')}.`);
  throw new CliError(`No tenant with id or name "${idOrName}".`);
}
