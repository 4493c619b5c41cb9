// An invitation as the API shows it, and the link the invitee opens (owners' invitations and operators' new tenants).
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Invitation } from '../../store/repositories/invitations.js';
import { isoDateTime, role, toIso } from './common.js';

export const invitationView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role,
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
});
export const toInvitationView = (i: Invitation) => ({
  id: i.id,
  email: i.email,
  name: i.name,
  role: i.role,
  createdAt: toIso(i.createdAt),
  expiresAt: toIso(i.expiresAt),
});

/**
 * The dashboard page the invitee opens, at PUBLIC_URL or else where the owner reached this server; the token is in
 * the fragment, which browsers never send to a server (nor in a Referer).
 */
export function acceptUrl(publicUrl: string | undefined, request: FastifyRequest, token: string): string {
  const origin = publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
  return `${origin}/accept-invitation#${token}`;
}
