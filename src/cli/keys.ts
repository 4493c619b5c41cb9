// `shuttle keys …`: manage a tenant's API keys from the server's shell; prints what the HTTP API would answer.
import type { Command } from 'commander';
import type { z } from 'zod';
import { KeyManager } from '../auth/key-manager.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import { displayName } from '../http/schemas/common.js';
import { environmentName, toKeyView } from '../http/schemas/keys.js';
import { LastUsedTracker } from '../store/last-used-tracker.js';
import { ApiKeyRepository } from '../store/repositories/api-keys.js';
import { type AdminContext, resolveTenant, withAdminContext } from './admin-context.js';
import { CliError, printJson, printLines } from './output.js';

interface KeyOptions {
  tenant: string;
  json?: boolean;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new CliError(`${option} ${result.error.issues[0]?.message ?? 'is invalid'}.`);
  return result.data;
}

async function withKeys<T>(
  options: KeyOptions,
  run: (keys: KeyManager, tenantId: string, context: AdminContext) => Promise<T>,
): Promise<T> {
  return withAdminContext(async (context) => {
    const tenantId = await resolveTenant(context.db, options.tenant);
    const keys = new KeyManager(context.db, context.bus, new LastUsedTracker(new ApiKeyRepository(context.db)), context.config.maxSubKeys);
    try {
      return await run(keys, tenantId, context);
    } catch (error) {
      if (error instanceof ShuttleError) throw new CliError(error.message);
      throw error;
    }
  });
}

function printKey(view: ReturnType<typeof toKeyView> & { key?: string }, json: boolean | undefined): void {
  if (json) {
    printJson(view);
    return;
  }
  printLines(`${view.id}  ${view.kind.padEnd(6)}  ${view.maskedKey}  ${view.environment.padEnd(11)}  ${view.name}`);
  if (view.key) printLines('', `Secret (shown once, store it now): ${view.key}`);
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("manage a tenant's API keys");
  const tenantOption = (command: Command) => command.requiredOption('--tenant <id-or-name>', 'the tenant').option('--json', 'print JSON');

  tenantOption(keys.command('list').description('list the master key and sub-keys (masked)')).action((options: KeyOptions) =>
    withKeys(options, async (manager, tenantId) => {
      const views = (await manager.list(tenantId)).map(toKeyView);
      if (options.json) return printJson({ data: views });
      for (const view of views) printKey(view, false);
    }),
  );

  tenantOption(keys.command('create').description('create a sub-key and print its secret once'))
    .requiredOption('--name <name>', 'e.g. "Production Server"')
    .option('--environment <name>', 'the environment the key belongs to', 'production')
    .option('--expires-at <iso-date>', 'when the key stops working')
    .action((options: KeyOptions & { name: string; environment: string; expiresAt?: string }) =>
      withKeys(options, async (manager, tenantId, { actor }) => {
        const expiresAt = options.expiresAt === undefined ? undefined : Date.parse(options.expiresAt);
        if (expiresAt !== undefined && !(expiresAt > Date.now())) throw new CliError('--expires-at must be a future ISO 8601 date.');
        const { key, secret } = await manager.createSubKey(tenantId, actor, {
          name: parse(displayName, options.name, '--name'),
          environment: parse(environmentName, options.environment, '--environment'),
          expiresAt,
        });
        printKey({ ...toKeyView(key), key: secret }, options.json);
      }),
    );

  tenantOption(keys.command('rename').description('rename a key').argument('<key-id>'))
    .requiredOption('--name <name>', 'the new name')
    .action((keyId: string, options: KeyOptions & { name: string }) =>
      withKeys(options, async (manager, tenantId, { actor }) =>
        printKey(toKeyView(await manager.rename(tenantId, actor, keyId, parse(displayName, options.name, '--name'))), options.json),
      ),
    );

  tenantOption(keys.command('revoke').description('revoke a sub-key at once').argument('<key-id>')).action(
    (keyId: string, options: KeyOptions) =>
      withKeys(options, async (manager, tenantId, { actor }) => {
        await manager.revoke(tenantId, actor, keyId);
        if (options.json) printJson({ id: keyId, revoked: true });
        else printLines(`Revoked ${keyId}.`);
      }),
  );

  tenantOption(keys.command('regenerate-master').description('replace the master key; the old one stops working at once')).action(
    (options: KeyOptions) =>
      withKeys(options, async (manager, tenantId, { actor }) => {
        const { key, secret } = await manager.regenerateMaster(tenantId, actor);
        printKey({ ...toKeyView(key), key: secret }, options.json);
      }),
  );
}
