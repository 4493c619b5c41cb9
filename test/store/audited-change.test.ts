import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditedChange } from '../../src/store/audited-change.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/store/database.js';
import { type Actor, AuditLogRepository } from '../../src/store/repositories/audit-log.js';
import { TenantRepository } from '../../src/store/repositories/tenants.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

const admin: Actor = { type: 'user', id: 'usr_admin', label: 'admin@example.com', ip: '127.0.0.1' };

describe.each(DIALECTS)('an audited change on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await freshDatabase(dialect);
    db = await openDatabase(database.url);
    await migrateToLatest(db, database.url);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const rename = (tenantId: string, name: string, fail: boolean, heard: string[]) =>
    auditedChange(
      db,
      async (trx, audit) => {
        await new TenantRepository(trx).update(tenantId, { name });
        await audit(tenantId, admin, { action: 'tenant.updated', targetType: 'tenant', targetId: tenantId, details: { name } });
        if (fail) throw new Error('refused after the writes');
        return name;
      },
      async (saved) => {
        // Other instances reload from the database: by now it must hold the change.
        heard.push(`${saved}:${(await new TenantRepository(db).get(tenantId))?.name}`);
      },
    );
  const entries = async (tenantId: string) => (await new AuditLogRepository(db).list(tenantId, { limit: 10 })).data;

  it('saves the change with its audit entry, and tells the caches only once both are committed', async () => {
    const tenant = await new TenantRepository(db).create({ name: 'Before' });
    const heard: string[] = [];
    expect(await rename(tenant.id, 'After', false, heard)).toBe('After');
    expect((await new TenantRepository(db).get(tenant.id))?.name).toBe('After');
    expect((await entries(tenant.id)).map((e) => [e.action, e.details])).toEqual([['tenant.updated', { name: 'After' }]]);
    expect(heard).toEqual(['After:After']);
  });

  it('keeps neither the change nor its audit entry when the change fails half-way, and tells nobody', async () => {
    const tenant = await new TenantRepository(db).create({ name: 'Before' });
    const heard: string[] = [];
    await expect(rename(tenant.id, 'After', true, heard)).rejects.toThrow('refused after the writes');
    expect((await new TenantRepository(db).get(tenant.id))?.name).toBe('Before');
    expect(await entries(tenant.id)).toEqual([]);
    expect(heard).toEqual([]);
  });
});
