import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, layerViolations, type SourceFile } from './import-rules.js';

function sourceFiles(folder: string): SourceFile[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

describe('layers of src/', () => {
  const src = sourceFiles('src');

  it('every import points down, peers import one way, and no files or folders import each other', () => {
    expect(layerViolations(src)).toEqual([]);
  });

  it('reads every import of src/: type-only, re-exports and import() included', () => {
    const edges = src.flatMap(importsOf);
    // A known type-only import, so that a reader that skipped `import type` would be noticed.
    expect(edges).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: 'src/store/repositories/api-keys.ts', target: 'src/domain/limits.ts' })]),
    );
    expect(edges.filter((edge) => edge.target !== undefined).length).toBeGreaterThan(500);
  });

  it('route modules call domain services, never the repositories or the database', () => {
    const routes = src.filter((source) => source.path.startsWith(join('src', 'http', 'routes')));
    expect(routes.length).toBeGreaterThan(10);
    const direct = routes.flatMap((source) =>
      source.text
        .split('\n')
        .flatMap((line, i) => (/\bruntime\.(repos|db)\b/.test(line) ? [`${source.path}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(direct).toEqual([]);
  });
});

describe('the layer rules', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });

  it('name the file, the line and the import when the store imports from metering', () => {
    const files = [
      file(
        'src/store/repositories/tenants.ts',
        "import { newId } from '../ids.js';\nimport type { Limits } from '../../metering/limits.js';\n",
      ),
      file('src/store/ids.ts', ''),
      file('src/metering/limits.ts', ''),
    ];
    expect(layerViolations(files)).toEqual([
      "src/store/repositories/tenants.ts:2 imports '../../metering/limits.js': metering is above store; an import only points down (move the shared part down, e.g. to src/domain/)",
    ]);
  });

  it('catch re-exports, import() and typeof import() that point up', () => {
    const files = [
      file('src/cache/a.ts', "export { x } from '../http/x.js';\nexport * from '../http/y.js';\n"),
      file('src/cache/b.ts', "const later = () => import('../gateway/z.js');\ntype T = typeof import('../runtime.js');\n"),
    ];
    expect(layerViolations(files).map((problem) => problem.split(':').slice(0, 2).join(':'))).toEqual([
      "src/cache/a.ts:1 imports '../http/x.js'",
      "src/cache/a.ts:2 imports '../http/y.js'",
      "src/cache/b.ts:1 imports '../gateway/z.js'",
      "src/cache/b.ts:2 imports '../runtime.js'",
    ]);
  });

  it('allow a peer import only in its declared direction', () => {
    expect(layerViolations([file('src/flows/run.ts', "import '../gateway/gateway.js';\n")])).toEqual([]);
    expect(layerViolations([file('src/gateway/gateway.ts', "import '../flows/run.js';\n")])).toEqual([
      "src/gateway/gateway.ts:1 imports '../flows/run.js': gateway and flows are on one level and 'gateway → flows' is not in PEER_IMPORTS",
    ]);
  });

  it('find files that import each other within one folder', () => {
    const files = [
      file('src/metering/limits/limit-gate.ts', "import type { LimitAlerts } from './limit-alerts.js';\n"),
      file('src/metering/limits/limit-alerts.ts', "import type { LimitBudget } from './limit-gate.js';\n"),
    ];
    expect(layerViolations(files)).toEqual([
      'files that import each other (a cycle): src/metering/limits/limit-alerts.ts, src/metering/limits/limit-gate.ts',
    ]);
  });

  it('keep src/domain/ free of I/O and of the rest of src/', () => {
    const files = [
      file(
        'src/domain/shape.ts',
        "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nimport type { Config } from '../config/config.js';\n",
      ),
    ];
    expect(layerViolations(files)).toEqual([
      "src/domain/shape.ts:2 imports 'node:fs': src/domain/ holds shapes and pure functions and imports only itself and zod",
      "src/domain/shape.ts:3 imports '../config/config.js': src/domain/ holds shapes and pure functions and imports only itself and zod",
    ]);
  });

  it('refuse a folder that is in no layer', () => {
    expect(layerViolations([file('src/utils/helpers.ts', '')])).toEqual([
      'src/utils/helpers.ts is in no layer: add utils to LAYERS and to docs/architecture.md',
    ]);
  });
});
