// Reads ./.env (if present) into process.env; variables already set in the environment win.
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export function loadDotEnv(path = '.env'): void {
  if (!existsSync(path)) return;
  const values = parseEnv(readFileSync(path, 'utf8'));
  for (const [name, value] of Object.entries(values)) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
}
