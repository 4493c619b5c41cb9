// Server-wide values that every instance must share, such as the generated secret.
import type { Db } from '../database.js';

export class ServerSettingsRepository {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('server_settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  /** Stores `value` unless another instance stored one first; returns whichever value won. */
  async putIfAbsent(key: string, value: string): Promise<string> {
    await this.db
      .insertInto('server_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const stored = await this.get(key);
    if (stored === undefined) throw new Error(`server setting ${key} vanished after insert`);
    return stored;
  }
}
