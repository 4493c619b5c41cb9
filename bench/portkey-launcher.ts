// Starts Portkey's open-source gateway (@portkey-ai/gateway) with its own start-server.js, pointed at the fake upstream.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { waitForHttp } from './child-processes.js';
import { childEnv, freePort, type LaunchContext, type Target } from './target.js';

interface PortkeyPackage {
  version: string;
  bin: string | Record<string, string>;
}

/** The package's own entry point: its `bin` (build/start-server.js), the script `npx @portkey-ai/gateway` runs. */
export function portkeyEntry(): { script: string; version: string } {
  const manifestPath = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PortkeyPackage;
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0];
  if (bin === undefined) throw new Error('@portkey-ai/gateway declares no bin');
  return { script: join(dirname(manifestPath), bin), version: manifest.version };
}

export async function launchPortkey(context: LaunchContext): Promise<Target> {
  const { script, version } = portkeyEntry();
  const port = await freePort();
  // --headless and NODE_ENV=production: no dashboard, no log-stream endpoint — the gateway alone.
  const managed = context.children.spawn('portkey', process.execPath, [script, `--port=${port}`, '--headless'], {
    cores: context.layout.target,
    env: childEnv(context.targetEnv),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(managed, `${origin}/`);
  return {
    name: 'portkey',
    url: `${origin}/v1/chat/completions`,
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-bench',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${context.upstreamOrigin}/v1`,
    },
    headerVariants: [],
    pid: managed.pid,
    stop: async () => {
      await managed.stop();
      return { version };
    },
  };
}
