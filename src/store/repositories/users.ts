// People who log in to the dashboard. Emails are stored lower-cased and are unique.

import type { Selectable } from 'kysely';
import { ConflictError } from '../../errors/shuttle-error.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { UsersTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export interface User {
  id: string;
  email: string;
  name: string | null;
  createdAt: number;
}

export interface UserWithSecret extends User {
  passwordHash: string;
  tokenVersion: number;
  /** The password is one someone else set (or printed in a log): it must be changed before anything else. */
  mustChangePassword: boolean;
  /** A server operator (docs/operators.md). */
  operator: boolean;
}

function toUserWithSecret(row: Selectable<UsersTable>): UserWithSecret {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
    tokenVersion: row.token_version,
    mustChangePassword: row.must_change_password === 1,
    operator: row.operator === 1,
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserRepository {
  constructor(private readonly db: Db) {}

  async create(input: {
    email: string;
    passwordHash: string;
    name?: string | null;
    mustChangePassword?: boolean;
    operator?: boolean;
  }): Promise<User> {
    const user: User = { id: newId('usr'), email: normalizeEmail(input.email), name: input.name ?? null, createdAt: Date.now() };
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          name: user.name,
          password_hash: input.passwordHash,
          must_change_password: input.mustChangePassword ? 1 : 0,
          operator: input.operator ? 1 : 0,
          created_at: user.createdAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('email_taken', { message: `A user with email ${user.email} already exists.` });
      throw error;
    }
    return user;
  }

  async findByEmail(email: string): Promise<UserWithSecret | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
    return row && toUserWithSecret(row);
  }

  async get(userId: string): Promise<UserWithSecret | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row && toUserWithSecret(row);
  }

  /** Sets the user's own new password and invalidates every session token issued before; returns the new version. */
  async setPassword(userId: string, passwordHash: string): Promise<number> {
    const row = await this.db
      .updateTable('users')
      .set((eb) => ({ password_hash: passwordHash, must_change_password: 0, token_version: eb('token_version', '+', 1) }))
      .where('id', '=', userId)
      .returning('token_version')
      .executeTakeFirstOrThrow();
    return row.token_version;
  }

  /** Makes the user a server operator, or no longer one; false when no such user. */
  async setOperator(userId: string, operator: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ operator: operator ? 1 : 0 })
      .where('id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async listOperators(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('operator', '=', 1).orderBy('created_at').execute();
    return rows.map((row) => ({ id: row.id, email: row.email, name: row.name, createdAt: row.created_at }));
  }

  /** Invalidates every session token issued before ("log out everywhere"). */
  async bumpTokenVersion(userId: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set((eb) => ({ token_version: eb('token_version', '+', 1) }))
      .where('id', '=', userId)
      .execute();
  }
}
