import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-key.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/store/database.js';
import { ApiKeyRepository } from '../../src/store/repositories/api-keys.js';
import { CustomerRepository } from '../../src/store/repositories/customers.js';
import { MembershipRepository } from '../../src/store/repositories/memberships.js';
import { ServerSettingsRepository } from '../../src/store/repositories/server-settings.js';
import { TenantRepository } from '../../src/store/repositories/tenants.js';
import { type UsageEvent, UsageEventRepository } from '../../src/store/repositories/usage-events.js';
import { UserRepository } from '../../src/store/repositories/users.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

function usageEvent(tenantId: string, id: string, overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    id,
    tenantId,
    keyId: null,
    customerId: null,
    environment: 'production',
    endpoint: 'chat.completions',
    requestedModel: 'mock/echo',
    provider: 'mock',
    servedModel: 'echo',
    promptTokens: 10,
    completionTokens: 5,
    cachedTokens: 0,
    costMicros: 1_234_567_890_123,
    latencyMs: 12,
    upstreamMs: 10,
    ttftMs: null,
    streamed: false,
    status: 200,
    errorCode: null,
    createdAt: 1_790_000_000_000,
    ...overrides,
  };
}

describe.each(DIALECTS)('repositories on %s', (dialect) => {
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

  it('applies migrations once and reports nothing new the second time', async () => {
    expect((await migrateToLatest(db, database.url)).applied).toEqual([]);
  });

  it('stores users with unique, lower-cased emails', async () => {
    const users = new UserRepository(db);
    const user = await users.create({ email: ' Ada@Example.com ', passwordHash: 'h' });
    expect(user.email).toBe('ada@example.com');
    expect((await users.findByEmail('ADA@example.COM'))?.id).toBe(user.id);
    await expect(users.create({ email: 'ada@example.com', passwordHash: 'h' })).rejects.toMatchObject({ code: 'email_taken', status: 409 });
  });

  it('lists a user’s tenants with roles', async () => {
    const tenants = new TenantRepository(db);
    const users = new UserRepository(db);
    const memberships = new MembershipRepository(db);
    const acme = await tenants.create({ name: 'Acme' });
    const globex = await tenants.create({ name: 'Globex' });
    const user = await users.create({ email: 'multi@example.com', passwordHash: 'h' });
    await memberships.add(acme.id, user.id, 'owner');
    await memberships.add(globex.id, user.id, 'viewer');
    const list = await memberships.listForUser(user.id);
    expect(list.map((m) => [m.tenantName, m.role])).toEqual([
      ['Acme', 'owner'],
      ['Globex', 'viewer'],
    ]);
  });

  it('keeps exactly one live master key per tenant', async () => {
    const tenant = await new TenantRepository(db).create({ name: 'Keys' });
    const keys = new ApiKeyRepository(db);
    const first = generateApiKey();
    const stored = await keys.insert(tenant.id, { kind: 'master', name: 'Master key', hash: first.hash, last4: first.last4 });
    expect((await keys.findLiveByHash(first.hash))?.id).toBe(stored.id);
    const second = generateApiKey();
    await expect(keys.insert(tenant.id, { kind: 'master', name: 'Master key', hash: second.hash, last4: second.last4 })).rejects.toThrow();
  });

  it('writes last-seen and last-used times in bulk, each row its own time, only for the tenant that owns it', async () => {
    const tenants = new TenantRepository(db);
    const [owner, other] = [await tenants.create({ name: 'Seen' }), await tenants.create({ name: 'Other' })];
    const customers = new CustomerRepository(db);
    // More than two statements' worth (500 rows each), so the chunking is crossed twice.
    const seen = [];
    for (let i = 0; i < 1_001; i++) seen.push(await customers.ensure(owner.id, `seen-${i}`));
    const unseen = await customers.ensure(owner.id, 'unseen');
    const elsewhere = await customers.ensure(other.id, 'elsewhere');
    const base = 1_790_000_000_000;
    await customers.touchLastSeen([
      ...seen.map((customer, i) => ({ tenantId: owner.id, id: customer.id, at: base + i })),
      { tenantId: owner.id, id: elsewhere.id, at: base - 1 }, // named under the wrong tenant: not written
    ]);
    for (const [i, customer] of seen.entries()) {
      expect((await customers.get(owner.id, customer.externalId))?.lastSeenAt).toBe(base + i);
    }
    expect((await customers.get(owner.id, unseen.externalId))?.lastSeenAt).toBeNull();
    expect((await customers.get(other.id, elsewhere.externalId))?.lastSeenAt).toBeNull();

    const keys = new ApiKeyRepository(db);
    const [masterSecret, subSecret] = [generateApiKey(), generateApiKey()];
    const master = await keys.insert(owner.id, { kind: 'master', name: 'Master key', hash: masterSecret.hash, last4: masterSecret.last4 });
    const sub = await keys.insert(owner.id, { kind: 'sub', name: 'Sub', hash: subSecret.hash, last4: subSecret.last4 });
    await keys.touchLastUsed([{ tenantId: owner.id, id: sub.id, at: base + 7 }]);
    expect((await keys.get(owner.id, sub.id))?.lastUsedAt).toBe(base + 7);
    expect((await keys.get(owner.id, master.id))?.lastUsedAt).toBeNull();
    await keys.touchLastUsed([]);
  });

  it('stores usage events in batches, with micro-dollar amounts beyond 32 bits, and skips a replayed batch', async () => {
    const tenant = await new TenantRepository(db).create({ name: 'Usage' });
    const other = await new TenantRepository(db).create({ name: 'Other' });
    const repo = new UsageEventRepository(db);
    const batch = Array.from({ length: 1500 }, (_, i) => usageEvent(tenant.id, `req_${dialect}_${i}`));
    await repo.insertBatch(batch);
    await repo.insertBatch(batch.slice(0, 10));
    await repo.insertBatch([usageEvent(other.id, `req_${dialect}_other`)]);
    expect(await repo.count(tenant.id)).toBe(1500);
    const [latest] = await repo.listRecent(tenant.id, 1);
    expect(latest?.costMicros).toBe(1_234_567_890_123);
    expect(latest?.streamed).toBe(false);
    expect(await repo.count(other.id)).toBe(1);
  });

  it('shares server settings first-writer-wins', async () => {
    const settings = new ServerSettingsRepository(db);
    expect(await settings.putIfAbsent('secret', 'one')).toBe('one');
    expect(await settings.putIfAbsent('secret', 'two')).toBe('one');
  });
});
