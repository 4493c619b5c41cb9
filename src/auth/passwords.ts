// Password hashing with argon2id (the @node-rs/argon2 default), run off the event loop.
import { hash, verify } from '@node-rs/argon2';
import { randomBase62 } from '../store/ids.js';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export function generatePassword(): string {
  return randomBase62(20);
}
