// `shuttle bootstrap`: create a tenant, its owner and master key from a script.
import { provisionTenant } from '../auth/provisioning.js';
import { loadConfig } from '../config/config.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { CliError, printJson, printLines } from './output.js';

export interface BootstrapOptions {
  tenant: string;
  email: string;
  password: string;
  /** The new owner is a server operator too. */
  operator?: boolean;
  json?: boolean;
}

export async function bootstrap(options: BootstrapOptions): Promise<void> {
  if (options.password.length < 8) throw new CliError('--password must be at least 8 characters.');
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db, config.databaseUrl);
    const result = await provisionTenant(db, {
      tenantName: options.tenant,
      email: options.email,
      password: options.password,
      operator: options.operator ?? false,
    });
    if (options.json) {
      printJson({ tenantId: result.tenant.id, userId: result.user.id, masterKey: result.masterKey });
    } else {
      printLines(
        `Created tenant ${result.tenant.name} (${result.tenant.id}) with owner ${result.user.email}${options.operator ? ', a server operator' : ''}.`,
        `Master key (shown once): ${result.masterKey}`,
      );
    }
  } catch (error) {
    if (error instanceof ShuttleError && error.code === 'email_taken') throw new CliError(`${error.message} Nothing was created.`);
    throw error;
  } finally {
    await db.destroy();
  }
}
