// Test helpers for the operators' API: make the test tenant's owner an operator, and create tenants as operators do
// (the invited owner accepts with a password and makes the master key, as the dashboard does).
import { call } from '../helpers/api.js';
import type { TestGateway } from '../helpers/gateway.js';

export async function makeOperator(gateway: TestGateway, email = 'owner@acme.test'): Promise<void> {
  await gateway.shuttle.runtime.operators.add(email);
}

export interface OperatedTenant {
  id: string;
  /** The invited owner's session token. */
  ownerToken: string;
  masterKey: string;
}

export async function createTenant(
  gateway: TestGateway,
  operatorToken: string,
  name: string,
  ownerEmail: string,
  planId?: string,
): Promise<OperatedTenant> {
  const created = await call(gateway, 'POST', '/admin/tenants', {
    auth: operatorToken,
    body: { name, ownerEmail, ...(planId ? { planId } : {}) },
  });
  if (created.status !== 201) throw new Error(`tenant not created: ${created.status} ${JSON.stringify(created.body)}`);
  const accepted = await call(gateway, 'POST', '/invitations/accept-with-password', {
    body: { token: created.body.invitation.token, password: `${ownerEmail} password` },
  });
  if (accepted.status !== 200) throw new Error(`invitation not accepted: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const ownerToken = accepted.body.token as string;
  const headers = { 'x-shuttle-tenant-id': created.body.id as string };
  const key = await call(gateway, 'POST', '/keys/master/regenerate', { auth: ownerToken, headers });
  if (key.status !== 200 && key.status !== 201) throw new Error(`no master key: ${key.status} ${JSON.stringify(key.body)}`);
  return { id: created.body.id as string, ownerToken, masterKey: key.body.key as string };
}

let plansMade = 0;

/** Gives the gateway's own tenant a new plan with these terms through the admin API (null: no plan). */
export async function assignPlan(
  gateway: TestGateway,
  operatorToken: string,
  terms: {
    allowedModels?: string[] | null;
    limits?: Record<string, unknown>;
    maxConcurrentRequests?: number | null;
    modelMultipliers?: Record<string, number>;
  } | null,
): Promise<void> {
  let planId: string | null = null;
  if (terms) {
    plansMade += 1;
    const created = await call(gateway, 'POST', '/admin/plans', { auth: operatorToken, body: { name: `Plan ${plansMade}`, ...terms } });
    if (created.status !== 201) throw new Error(`plan not created: ${created.status} ${JSON.stringify(created.body)}`);
    planId = created.body.id as string;
  }
  const assigned = await call(gateway, 'PATCH', `/admin/tenants/${gateway.tenantId}`, { auth: operatorToken, body: { planId } });
  if (assigned.status !== 200) throw new Error(`plan not assigned: ${assigned.status} ${JSON.stringify(assigned.body)}`);
}
