// `shuttle dead-letters …`: the records the database refused, set aside by the writers (docs/metering.md).
import type { Command } from 'commander';
import { type Config, loadConfig } from '../config/config.js';
import type { Db } from '../store/database.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import type { DeadLetter, DeadLetterKind } from '../store/repositories/dead-letters.js';
import { DeadLetterRepository } from '../store/repositories/dead-letters.js';
import { type FlowRunRecord, FlowRunRepository } from '../store/repositories/flow-runs.js';
import { RequestLogRepository } from '../store/repositories/request-log.js';
import { type UsageEvent, UsageEventRepository } from '../store/repositories/usage-events.js';
import { type RequestLogRecord, requestLogRow } from '../store/request-log-record.js';
import { CliError, printJson, printLines } from './output.js';

const KINDS: readonly DeadLetterKind[] = ['usage_event', 'flow_run', 'request_log_entry'];

interface ListOptions {
  kind?: string;
  limit: string;
  json?: boolean;
}

async function withDatabase<T>(run: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db, config.databaseUrl);
    return await run(db, config);
  } finally {
    await db.destroy();
  }
}

function kindOf(value: string | undefined): DeadLetterKind | undefined {
  if (value === undefined) return undefined;
  if (!KINDS.includes(value as DeadLetterKind)) throw new CliError(`--kind must be one of ${KINDS.join(', ')}.`);
  return value as DeadLetterKind;
}

function limitOf(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit must be a whole number from 1 to 10000.');
  return limit;
}

async function list(options: ListOptions): Promise<void> {
  const kind = kindOf(options.kind);
  const letters = await withDatabase((db) => new DeadLetterRepository(db).list({ kind, limit: limitOf(options.limit) }));
  if (options.json) {
    printJson({ data: letters });
    return;
  }
  if (letters.length === 0) {
    printLines('No dead letters.');
    return;
  }
  for (const letter of letters) {
    printLines(
      `${letter.id}  ${new Date(letter.created_at).toISOString()}  ${letter.kind.padEnd(17)}  ${letter.record_id}  tenant ${letter.tenant_id ?? '-'}`,
      `  ${letter.error_code ?? ''} ${letter.error}`.trimEnd(),
    );
  }
}

/** Writes each dead letter's record again (after the cause was fixed) and removes the ones the database took. */
async function retry(options: { kind?: string; json?: boolean }): Promise<void> {
  const kind = kindOf(options.kind);
  const outcome = await withDatabase(async (db, config) => {
    const letters = new DeadLetterRepository(db);
    const writers: Record<DeadLetterKind, (record: unknown) => Promise<void>> = {
      usage_event: (record) => new UsageEventRepository(db).insertBatch([record as UsageEvent]),
      flow_run: (record) => new FlowRunRepository(db).insertBatch([record as FlowRunRecord]),
      request_log_entry: (record) =>
        new RequestLogRepository(db).insertRows([requestLogRow(record as RequestLogRecord, config.requestLog.maxBodyBytes)]),
    };
    const written: string[] = [];
    const refused: { id: string; error: string }[] = [];
    for (const letter of await letters.list({ kind, limit: 10_000 })) {
      try {
        await writers[letter.kind](recordOf(letter));
        await letters.remove(letter.id);
        written.push(letter.id);
      } catch (error) {
        refused.push({ id: letter.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { written, refused };
  });
  if (options.json) {
    printJson(outcome);
  } else {
    printLines(`Written and removed: ${outcome.written.length}. Still refused: ${outcome.refused.length}.`);
    for (const { id, error } of outcome.refused) printLines(`  ${id}  ${error}`);
  }
  if (outcome.refused.length > 0) process.exitCode = 1;
}

function recordOf(letter: DeadLetter): unknown {
  const record: unknown = JSON.parse(letter.payload);
  if (typeof record !== 'object' || record === null) throw new Error('not a record: a spill-file line that could not be read');
  return record;
}

export function registerDeadLetterCommands(program: Command): void {
  const deadLetters = program.command('dead-letters').description('records the database refused, set aside so that metering goes on');
  deadLetters
    .command('list')
    .description('the newest first')
    .option('--kind <kind>', KINDS.join(' or '))
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'print {"data": [...]}')
    .action(list);
  deadLetters
    .command('retry')
    .description('write the records again (once their cause is fixed); removes those the database takes')
    .option('--kind <kind>', KINDS.join(' or '))
    .option('--json', 'print {"written": [...], "refused": [...]}')
    .action(retry);
}
