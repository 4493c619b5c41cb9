// Reading a flow's run log: its runs newest first, a page at a time, and one run with its prompt and answer.
import { NotFoundError } from '../errors/shuttle-error.js';
import type { Db } from '../store/database.js';
import { decodeCursor, encodeCursor } from '../store/keyset-cursor.js';
import { CustomerRepository } from '../store/repositories/customers.js';
import { FlowRunRepository, type RunFilter, type StoredRun } from '../store/repositories/flow-runs.js';
import type { Flow } from '../store/repositories/flows.js';

export interface RunQuery extends Omit<RunFilter, 'customerId'> {
  /** A customer's external id. */
  customer?: string | undefined;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

export interface RunPage {
  data: StoredRun[];
  nextCursor: string | null;
}

export class FlowRunLog {
  private readonly runs: FlowRunRepository;
  private readonly customers: CustomerRepository;

  constructor(db: Db) {
    this.runs = new FlowRunRepository(db);
    this.customers = new CustomerRepository(db);
  }

  async page(tenantId: string, flow: Flow, query: RunQuery): Promise<RunPage> {
    const { customer, limit, cursor, ...filter } = query;
    // A customer the tenant does not have matches no run.
    const customerId = customer === undefined ? undefined : ((await this.customers.get(tenantId, customer))?.id ?? 'none');
    const runs = await this.runs.list(tenantId, flow.id, { ...filter, customerId }, { limit: limit + 1, before: decodeCursor(cursor) });
    const data = runs.slice(0, limit);
    const last = data.at(-1);
    return { data, nextCursor: runs.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
  }

  /** One run of the flow; 404 when it has none of that id. */
  async get(tenantId: string, flow: Flow, runId: string): Promise<StoredRun> {
    const run = await this.runs.get(tenantId, flow.id, runId);
    if (!run) throw new NotFoundError(`No run ${runId} of "${flow.slug}".`);
    return run;
  }
}
