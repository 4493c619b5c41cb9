// Server operators (docs/operators.md): people above tenants, who manage tenants and plans under /api/v1/admin.
// Made and unmade from the server's shell (`shuttle operators add|remove`); every instance hears of it at once.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { ConflictError, NotFoundError } from '../errors/shuttle-error.js';
import type { Db } from '../store/database.js';
import { type User, UserRepository } from '../store/repositories/users.js';

export class Operators {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
  ) {}

  list(): Promise<User[]> {
    return new UserRepository(this.db).listOperators();
  }

  /** The user must exist (invite them to a tenant first, or `shuttle bootstrap`). */
  async add(email: string): Promise<User> {
    return this.set(email, true);
  }

  /** The last operator stays: without one, nobody could manage tenants from the API again. */
  async remove(email: string): Promise<User> {
    return this.set(email, false);
  }

  private async set(email: string, operator: boolean): Promise<User> {
    const user = await this.db.transaction().execute(async (trx) => {
      const users = new UserRepository(trx);
      const found = await users.findByEmail(email);
      if (!found) throw new NotFoundError(`No user with email ${email.trim().toLowerCase()}.`);
      if (!operator && found.operator) {
        const others = (await users.listOperators()).filter((u) => u.id !== found.id);
        if (others.length === 0)
          throw new ConflictError('conflict', { message: `${found.email} is the last operator; add another first.` });
      }
      await users.setOperator(found.id, operator);
      return { id: found.id, email: found.email, name: found.name, createdAt: found.createdAt };
    });
    await this.bus.publish('user', user.id);
    return user;
  }
}
