// On an empty database, `shuttle serve` creates the owner and the first tenant so that a fresh install is usable.
import { generatePassword } from '../auth/passwords.js';
import { type ProvisionedTenant, provisionTenant } from '../auth/provisioning.js';
import type { Runtime } from '../runtime.js';

export interface FirstRun extends ProvisionedTenant {
  password: string;
  passwordGenerated: boolean;
}

export async function provisionOnFirstRun(runtime: Runtime): Promise<FirstRun | undefined> {
  if ((await runtime.repos.tenants.count()) > 0) return undefined;
  const email = runtime.config.admin.email ?? 'admin@localhost';
  const password = runtime.config.admin.password ?? generatePassword();
  const passwordGenerated = runtime.config.admin.password === undefined;
  // A generated password is printed to the console and so to whatever keeps the logs: it is changed at first login.
  // The first admin runs the server, so they are its first operator too.
  const provisioned = await provisionTenant(runtime.db, {
    tenantName: 'Default',
    email,
    password,
    mustChangePassword: passwordGenerated,
    operator: true,
  });
  return { ...provisioned, password, passwordGenerated };
}

export function firstRunBanner(url: string, firstRun: FirstRun): string[] {
  return [
    '',
    '  Shuttle is running for the first time. Save these now: they are not shown again.',
    '',
    `  Dashboard      ${url}`,
    `  Admin email    ${firstRun.user.email} (a server operator: /api/v1/admin, docs/operators.md)`,
    `  Admin password ${firstRun.passwordGenerated ? `${firstRun.password} (to be changed at the first login)` : '(the SHUTTLE_ADMIN_PASSWORD you set)'}`,
    `  Tenant         ${firstRun.tenant.name} (${firstRun.tenant.id})`,
    `  Master key     ${firstRun.masterKey}`,
    '',
    '  Try it:',
    `    curl ${url}/api/v1/chat/completions \\`,
    `      -H "Authorization: Bearer ${firstRun.masterKey}" -H "Content-Type: application/json" \\`,
    `      -d '{"model":"mock/echo","messages":[{"role":"user","content":"Hello, Shuttle"}]}'`,
    '',
  ];
}
