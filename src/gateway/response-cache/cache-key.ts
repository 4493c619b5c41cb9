// The key of a cached answer: sha256 of a canonical JSON of who asks (tenant, environment, the client's namespace)
// and of the request as routed. Fields that do not change the answer are left out: `stream` and `stream_options`
// (a streamed and a plain request share entries), `user` (an end customer's id), and every header.
import { createHash } from 'node:crypto';
import type { ChatCompletionCreateParams } from '../openai-wire.js';
import type { RoutePlan } from '../routing/router.js';

/** Raised when what an entry holds or how keys are made changes: older entries are then never read. */
const KEY_VERSION = 1;

const LEFT_OUT = new Set(['model', 'stream', 'stream_options', 'user']);

export interface KeyScope {
  tenantId: string;
  environment: string;
  namespace: string;
}

export function responseCacheKey(scope: KeyScope, params: ChatCompletionCreateParams, plans: readonly RoutePlan[]): string {
  const request: Record<string, unknown> = {};
  for (const field of Object.keys(params).sort()) {
    const value = params[field];
    if (!LEFT_OUT.has(field) && value !== undefined) request[field] = value;
  }
  const material = [KEY_VERSION, scope.tenantId, scope.environment, scope.namespace, plans.map(routed), canonical(request)];
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/** A plan as the model it stands for: the requested name and its targets (sorted: weighted plans shuffle them). */
function routed(plan: RoutePlan): unknown {
  const targets = plan.targets.map((target) => {
    const overrides = target.overrides ? JSON.stringify(canonical(target.overrides)) : '';
    return `${target.connection.name}/${target.model}${overrides}`;
  });
  return [plan.requested, targets.sort()];
}

/** The value with every object's keys in order, so that the same request always serialises the same way. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) sorted[key] = canonical(field);
  }
  return sorted;
}
