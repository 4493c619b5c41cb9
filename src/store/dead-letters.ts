// Sets aside a record the database refused, so that the records behind it are written: into the dead_letters table,
// or, when the database refuses that too, into a dead-letter file beside the spill files. Counted and logged.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { randomBase62 } from './ids.js';
import { appendPrivateFile } from './private-files.js';
import type { DeadLetterKind, DeadLetterRepository } from './repositories/dead-letters.js';
import { describeWriteError } from './write-errors.js';

export const DEAD_LETTER_FILE = 'dead-letters.jsonl';

export interface RefusedRecord {
  kind: DeadLetterKind;
  /** The record, or the text of a spill-file line that could not be read. */
  record: unknown;
  error: unknown;
  /** Where the record has no id of its own (a corrupt spill line): where it was found. */
  recordId?: string;
}

export class DeadLetters {
  /** Records set aside since start, by kind: the source of shuttle_dead_letters_total. */
  readonly counts: Record<DeadLetterKind, number> = { usage_event: 0, flow_run: 0, request_log_entry: 0 };

  constructor(
    private readonly repository: DeadLetterRepository,
    /** Where the dead-letter file goes when the table cannot be written; none = log only. */
    private readonly dir: string | undefined,
    private readonly logger: Logger,
  ) {}

  async setAside({ kind, record, error, recordId }: RefusedRecord): Promise<void> {
    const { message, code } = describeWriteError(error);
    const letter = {
      kind,
      // A record without an id of its own gets a unique one, so that it is not taken for another one already kept.
      record_id: storable(recordId ?? ownField(record, 'id') ?? `unknown-${randomBase62(16)}`),
      tenant_id: nullableStorable(ownField(record, 'tenantId')),
      payload: typeof record === 'string' ? JSON.stringify(record) : payloadOf(record),
      error: storable(message).slice(0, 2_000),
      error_code: nullableStorable(code),
    };
    this.counts[kind]++;
    const where = await this.store(letter);
    this.logger.warn(
      { kind, recordId: letter.record_id, tenantId: letter.tenant_id, error: letter.error, errorCode: letter.error_code, where },
      `${kind} refused by the database: set aside as a dead letter so that the other records are written`,
    );
  }

  private async store(letter: Parameters<DeadLetterRepository['add']>[0]): Promise<string> {
    try {
      await this.repository.add(letter);
      return 'dead_letters';
    } catch (tableError) {
      if (this.dir === undefined) {
        this.logger.error({ err: tableError, letter }, 'dead letter could not be stored; it is in this log line only');
        return 'log';
      }
      const file = join(this.dir, DEAD_LETTER_FILE);
      try {
        appendPrivateFile(file, `${JSON.stringify({ ...letter, created_at: Date.now() })}\n`);
        return file;
      } catch (fileError) {
        this.logger.error({ err: fileError, letter }, 'dead letter could not be stored; it is in this log line only');
        return 'log';
      }
    }
  }
}

/** A record's id or tenant: its own field, or its usage event's (a request log entry's `event`). */
function ownField(record: unknown, field: string): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  return stringField(record, field) ?? stringField((record as { event?: unknown }).event, field);
}

function stringField(record: unknown, field: string): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const value = (record as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The record as JSON: JSON.stringify writes a NUL byte as `\u0000` and a lone surrogate as `\udxxx`, so the text is
 * one PostgreSQL can store; numbers JSON cannot hold (Infinity, NaN) are kept as strings rather than lost as null.
 */
function payloadOf(record: unknown): string {
  try {
    return (
      JSON.stringify(record, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value)) ??
      'null'
    );
  } catch (error) {
    return JSON.stringify(`unserialisable record: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Text with NUL bytes escaped, which PostgreSQL refuses in any text value. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\\u0000');
}

function nullableStorable(text: string | undefined): string | null {
  return text === undefined ? null : storable(text);
}
