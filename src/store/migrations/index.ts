// The ordered list of migrations, imported statically so that the compiled build and the tests run the same set.
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as auditLog from './0002-audit-log.js';
import * as customersUsageLimits from './0003-customers-usage-limits.js';
import * as environmentsRouting from './0004-environments-routing.js';
import * as flows from './0005-flows.js';
import * as invitations from './0006-invitations.js';
import * as deadLetters from './0007-dead-letters.js';
import * as storedResponses from './0008-stored-responses.js';
import * as requestLog from './0009-request-log.js';
import * as responseCache from './0010-response-cache.js';
import * as flowTools from './0011-flow-tools.js';
import * as mcpServers from './0012-mcp-servers.js';
import * as operatorsPlans from './0013-operators-plans.js';
import * as billingConcurrency from './0014-billing-concurrency.js';
import * as requestLogIndexes from './0015-request-log-indexes.js';
import * as requestLogSearchMerges from './0016-request-log-search-merges.js';
import * as requestLogBodies from './0017-request-log-bodies.js';

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-audit-log': auditLog,
  '0003-customers-usage-limits': customersUsageLimits,
  '0004-environments-routing': environmentsRouting,
  '0005-flows': flows,
  '0006-invitations': invitations,
  '0007-dead-letters': deadLetters,
  '0008-stored-responses': storedResponses,
  '0009-request-log': requestLog,
  '0010-response-cache': responseCache,
  '0011-flow-tools': flowTools,
  '0012-mcp-servers': mcpServers,
  '0013-operators-plans': operatorsPlans,
  '0014-billing-concurrency': billingConcurrency,
  '0015-request-log-indexes': requestLogIndexes,
  '0016-request-log-search-merges': requestLogSearchMerges,
  '0017-request-log-bodies': requestLogBodies,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
