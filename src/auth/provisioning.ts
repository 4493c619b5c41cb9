// Creates a tenant with its owner and master key in one transaction: first run, `shuttle bootstrap`, sign-up.
import type { Db } from '../store/database.js';
import { ApiKeyRepository } from '../store/repositories/api-keys.js';
import { BUILT_IN_ENVIRONMENTS, EnvironmentRepository } from '../store/repositories/environments.js';
import { MembershipRepository } from '../store/repositories/memberships.js';
import { type Tenant, TenantRepository } from '../store/repositories/tenants.js';
import { type User, UserRepository } from '../store/repositories/users.js';
import { generateApiKey } from './api-key.js';
import { hashPassword } from './passwords.js';

export interface ProvisionInput {
  tenantName: string;
  email: string;
  password: string;
  /** The password was not chosen by its owner (generated and printed): it must be changed at the first login. */
  mustChangePassword?: boolean;
  /** The owner is also a server operator (docs/operators.md): the first-run admin, `shuttle bootstrap --operator`. */
  operator?: boolean;
}

export interface ProvisionedTenant {
  tenant: Tenant;
  user: User;
  /** Shown once; only its hash is stored. */
  masterKey: string;
}

export async function provisionTenant(db: Db, input: ProvisionInput): Promise<ProvisionedTenant> {
  const passwordHash = await hashPassword(input.password);
  const key = generateApiKey();
  return db.transaction().execute(async (trx) => {
    const tenant = await new TenantRepository(trx).create({ name: input.tenantName });
    for (const environment of BUILT_IN_ENVIRONMENTS) await new EnvironmentRepository(trx).create(tenant.id, environment);
    const user = await new UserRepository(trx).create({
      email: input.email,
      passwordHash,
      mustChangePassword: input.mustChangePassword ?? false,
      operator: input.operator ?? false,
    });
    await new MembershipRepository(trx).add(tenant.id, user.id, 'owner');
    await new ApiKeyRepository(trx).insert(tenant.id, {
      kind: 'master',
      name: 'Master key',
      hash: key.hash,
      last4: key.last4,
      createdBy: user.id,
    });
    return { tenant, user, masterKey: key.secret };
  });
}
