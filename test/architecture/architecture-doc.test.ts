// docs/architecture.md names modules and folders; this keeps those names true as files move.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const doc = readFileSync('docs/architecture.md', 'utf8');
const sources = readdirSync('src', { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name).replaceAll('\\', '/'));

describe('docs/architecture.md', () => {
  it('lists every folder of src/ in its layout table', () => {
    const folders = readdirSync('src', { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(folders.length).toBeGreaterThan(5);
    const missing = folders.map((folder) => `src/${folder.name}/`).filter((folder) => !doc.includes(`| \`${folder}\``));
    expect(missing, 'folders of src/ missing from the layout table').toEqual([]);
  });

  it('names only modules that exist (a path from the repository root, or the end of one under src/)', () => {
    const named = new Set(doc.match(/(?<![\w/.-])[a-z][\w-]*(?:\/[\w.-]+)*\.ts\b/g) ?? []);
    expect(named.size).toBeGreaterThan(30);
    const unknown = [...named].filter((path) => !existsSync(path) && !sources.some((source) => source.endsWith(`/${path}`)));
    expect(unknown, 'modules named in docs/architecture.md that src/ does not have').toEqual([]);
  });
});
