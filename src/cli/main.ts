// The `shuttle` command.
import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { bootstrap } from './bootstrap.js';
import { registerDeadLetterCommands } from './dead-letters.js';
import { loadDotEnv } from './env-file.js';
import { registerFlowsCommands } from './flows.js';
import { registerKeysCommands } from './keys.js';
import { migrate } from './migrate.js';
import { registerOperatorCommands } from './operators.js';
import { CliError } from './output.js';
import { serve } from './serve.js';

export function buildCli(): Command {
  const program = new Command('shuttle').description('Shuttle: a multi-tenant, OpenAI-compatible LLM gateway').showHelpAfterError();

  program.command('serve').description('start the gateway (migrates the database; sets up an owner and tenant on first run)').action(serve);
  program.command('migrate').description('apply database migrations to DATABASE_URL').action(migrate);
  program
    .command('bootstrap')
    .description('create a tenant with its owner and master key')
    .requiredOption('--tenant <name>', 'tenant name')
    .requiredOption('--email <email>', "owner's email")
    .requiredOption('--password <password>', "owner's password (at least 8 characters)")
    .option('--operator', 'make the new owner a server operator (docs/operators.md)')
    .option('--json', 'print {"tenantId","userId","masterKey"} and nothing else')
    .action(bootstrap);
  registerKeysCommands(program);
  registerFlowsCommands(program);
  registerDeadLetterCommands(program);
  registerOperatorCommands(program);
  return program;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  loadDotEnv();
  try {
    await buildCli().parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CliError) {
      process.stderr.write(`shuttle: ${error.message}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
      return;
    }
    throw error;
  }
}
