// Stored responses: saved once answered, before the answer's last byte (for a second at most), and read back within
// the tenant for GET /responses/{id}, `previous_response_id` and `item_reference` items.
import type { Logger } from 'pino';
import { NotFoundError } from '../../../errors/shuttle-error.js';
import type { StoredResponseRecord, StoredResponseRepository, StoredResponseWriter } from '../../../store/repositories/stored-responses.js';
import { responseIdOfItem } from './ids.js';
import type { Response, ResponseInputItem, ResponseOutputItem } from './wire.js';

export interface StoredResponse {
  id: string;
  tenantId: string;
  input: ResponseInputItem[];
  response: Response;
  createdAt: number;
}

export class ResponseStore {
  /** Responses whose write has not finished: read from here, so that a client's next turn never misses its last. */
  private readonly pending = new Map<string, { record: StoredResponse; written: Promise<void> }>();

  constructor(
    private readonly repository: StoredResponseRepository,
    private readonly logger: Logger,
    /** The writer thread when there is one: a SQLite insert on the event loop would hold every request up. */
    private readonly writer: StoredResponseWriter = repository,
    /** How long an answer waits for its response to be written, so that any instance can read it next. */
    private readonly waitMs = 1_000,
  ) {}

  /**
   * Writes the response; resolves once it is written, or after `waitMs` at most, the write going on (this instance
   * reads it from memory meanwhile). A failed write is logged: the answer goes out all the same.
   */
  save(record: StoredResponse): Promise<void> {
    const written = this.writer
      .insert(record)
      .catch((error: unknown) => this.logger.error({ err: error, responseId: record.id, tenantId: record.tenantId }, 'response not stored'))
      .finally(() => this.pending.delete(record.id));
    this.pending.set(record.id, { record, written });
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.waitMs).unref();
      void written.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async find(tenantId: string, id: string): Promise<StoredResponse | undefined> {
    const pending = this.pending.get(id)?.record;
    if (pending !== undefined) return pending.tenantId === tenantId ? pending : undefined;
    const stored = await this.repository.find(tenantId, id);
    return stored && fromRecord(stored);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    await this.pending.get(id)?.written;
    return this.repository.delete(tenantId, id);
  }

  /**
   * The conversation a request continues: the previous response's input and output, then the request's own items
   * with each item_reference replaced by the stored item it names. Reads the database only when the request names
   * earlier responses; an id that is unknown, or another tenant's, is a 404.
   */
  async conversation(tenantId: string, previousId: string | null | undefined, items: ResponseInputItem[]): Promise<ResponseInputItem[]> {
    const history: ResponseInputItem[] = [];
    if (typeof previousId === 'string') {
      const previous = await this.find(tenantId, previousId);
      if (previous === undefined) throw new NotFoundError(`No stored response "${previousId}".`);
      history.push(...previous.input, ...(previous.response.output as ResponseInputItem[]));
    }
    if (!items.some((item) => item.type === 'item_reference')) return history.length === 0 ? items : [...history, ...items];
    for (const item of items) history.push(item.type === 'item_reference' ? await this.referenced(tenantId, item.id) : item);
    return history;
  }

  /** Waits for every write started so far (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.values()].map((entry) => entry.written));
  }

  private async referenced(tenantId: string, itemId: string): Promise<ResponseInputItem> {
    const responseId = responseIdOfItem(itemId);
    const stored = responseId === undefined ? undefined : await this.find(tenantId, responseId);
    const item = stored?.response.output.find((output: ResponseOutputItem) => output.id === itemId);
    if (item === undefined) throw new NotFoundError(`No stored item "${itemId}".`);
    return item;
  }
}

/** A stored row's JSON is what save() wrote: a response and its input items. */
function fromRecord(record: StoredResponseRecord): StoredResponse {
  return { ...record, input: record.input as ResponseInputItem[], response: record.response as Response };
}
