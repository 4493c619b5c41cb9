// Directories and files that only the server's own user may read (the database, spilled and dead-lettered records):
// created with owner-only modes, then chmod-ed, since the mode given at creation is narrowed by the umask and
// never widened, but a umask of 0 or a file created by another path would otherwise keep wider permissions.
import { appendFileSync, chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) readable by this user only; an existing directory's mode is left as it is. */
export function makePrivateDirectory(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  if (first === undefined) return;
  // mkdirSync returns the first directory it created; every one from there down to `dir` is new.
  const target = resolve(dir);
  let current = resolve(first);
  chmodSync(current, PRIVATE_DIRECTORY_MODE);
  for (const part of relative(current, target).split(sep).filter(Boolean)) {
    current = resolve(current, part);
    chmodSync(current, PRIVATE_DIRECTORY_MODE);
  }
}

/** Creates `file` empty and owner-only when it does not exist yet (its directory too); an existing file is untouched. */
export function createPrivateFile(file: string): void {
  if (existsSync(file)) return;
  makePrivateDirectory(dirname(file));
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Appends text to an owner-only file, creating it (and its directory) when needed. */
export function appendPrivateFile(file: string, text: string): void {
  createPrivateFile(file);
  appendFileSync(file, text);
}
