// `shuttle migrate`: apply pending migrations to DATABASE_URL.
import { loadConfig } from '../config/config.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { printLines } from './output.js';

export async function migrate(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl);
  try {
    const { applied } = await migrateToLatest(db, config.databaseUrl);
    printLines(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
  } finally {
    await db.destroy();
  }
}
