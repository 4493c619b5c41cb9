// The logged-in session, kept in localStorage so it survives a reload, and ended at the token's expiry.
import type { LoginAnswer, Role, TenantMembership, User } from '../api/types';

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
  tenants: TenantMembership[];
  tenantId: string;
}

/** Why a session ended, for the login page to say. */
export type EndReason = 'logged-out' | 'expired' | null;

const STORAGE_KEY = 'shuttle.session';
/** The tenant last shown, chosen again at the next login. */
export const LAST_TENANT_KEY = 'shuttle.lastTenant';
type Listener = () => void;

function read(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return Date.parse(session.expiresAt) > Date.now() ? session : null;
  } catch {
    return null;
  }
}

function createSessionStore() {
  let current = read();
  let endReason: EndReason = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<Listener>();

  const emit = () => {
    for (const listener of listeners) listener();
  };

  const schedule = () => {
    clearTimeout(timer);
    if (!current) return;
    // setTimeout overflows past ~24.8 days; sessions are hours long, but stay safe.
    const delay = Math.min(Date.parse(current.expiresAt) - Date.now(), 2 ** 31 - 1);
    timer = setTimeout(() => store.expire(), Math.max(delay, 0));
  };

  const set = (session: Session | null, reason: EndReason = null) => {
    current = session;
    endReason = session ? null : reason;
    if (session) {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
      localStorage.setItem(LAST_TENANT_KEY, session.tenantId);
    } else localStorage.removeItem(STORAGE_KEY);
    schedule();
    emit();
  };

  const store = {
    get: (): Session | null => current,
    endReason: (): EndReason => endReason,
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start(answer: LoginAnswer, preferredTenantId?: string | null) {
      const tenantId = answer.tenants.find((tenant) => tenant.id === preferredTenantId)?.id ?? answer.tenants[0]?.id ?? '';
      set({ token: answer.token, expiresAt: answer.expiresAt, user: answer.user, tenants: answer.tenants, tenantId });
    },
    /**
     * Keeps the memberships current (a role changed, a tenant added or suspended) without a new login, and, given the
     * user as /auth/me answers it, whether they are an operator.
     */
    refreshMemberships(tenants: TenantMembership[], user?: User) {
      if (!current) return;
      const operator = user?.operator ?? current.user.operator;
      if (JSON.stringify(tenants) === JSON.stringify(current.tenants) && operator === current.user.operator) return;
      const tenantId = tenants.some((tenant) => tenant.id === current?.tenantId) ? current.tenantId : (tenants[0]?.id ?? '');
      set({ ...current, user: { ...current.user, operator }, tenants, tenantId });
    },
    /** The API answered 423 tenant_suspended: the current tenant was suspended since the memberships were read. */
    markSuspended() {
      if (!current) return;
      const tenantId = current.tenantId;
      if (current.tenants.some((tenant) => tenant.id === tenantId && !tenant.suspended)) {
        set({ ...current, tenants: current.tenants.map((tenant) => (tenant.id === tenantId ? { ...tenant, suspended: true } : tenant)) });
      }
    },
    /** The password changed: every earlier token ended, this is the new one. */
    passwordChanged(token: string, expiresAt: string) {
      if (current) set({ ...current, token, expiresAt, user: { ...current.user, mustChangePassword: false } });
    },
    /** The API refused the session until its password is changed (it was set by someone else). */
    requirePasswordChange() {
      if (current && !current.user.mustChangePassword) set({ ...current, user: { ...current.user, mustChangePassword: true } });
    },
    switchTenant(tenantId: string) {
      if (current) set({ ...current, tenantId });
    },
    logOut: () => set(null, 'logged-out'),
    expire: () => {
      if (current) set(null, 'expired');
    },
  };

  schedule();
  // Another tab logging in or out changes this one too.
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    current = read();
    schedule();
    emit();
  });
  return store;
}

export const sessionStore = createSessionStore();

export function currentRole(session: Session | null): Role | null {
  return session?.tenants.find((tenant) => tenant.id === session.tenantId)?.role ?? null;
}

/** Whether the tenant shown is suspended by the server's operators (every call acting in it answers 423). */
export function currentTenantSuspended(session: Session | null): boolean {
  return session?.tenants.find((tenant) => tenant.id === session.tenantId)?.suspended ?? false;
}
