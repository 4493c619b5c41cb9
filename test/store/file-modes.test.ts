import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exited, spawnShuttle, waitForOutput } from '../helpers/cli.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('files on disk', { timeout: 120_000 }, () => {
  let cwd: string | undefined;

  afterEach(() => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('shuttle serve creates the data directory, the database and its journal files for its own user only, whatever the umask', async () => {
    cwd = mkdtempSync(join(tmpdir(), 'shuttle-modes-'));
    // The child inherits the umask: with 0, anything not created with an explicit mode would be world-readable.
    const previous = process.umask(0);
    const child = (() => {
      try {
        return spawnShuttle(
          ['serve'],
          { DATABASE_URL: 'sqlite://./data/db/shuttle.db', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
          cwd,
        );
      } finally {
        process.umask(previous);
      }
    })();
    try {
      await waitForOutput(child, /shuttle is listening/);
      const at = (path: string) => join(cwd as string, path);
      expect(modeOf(at('data')).toString(8)).toBe('700');
      expect(modeOf(at('data/db')).toString(8)).toBe('700');
      for (const file of ['shuttle.db', 'shuttle.db-wal', 'shuttle.db-shm'])
        expect([file, modeOf(at(`data/db/${file}`)).toString(8)]).toEqual([file, '600']);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });
});
