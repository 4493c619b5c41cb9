// A running gateway: the runtime plus its HTTP server, with a graceful stop that loses no usage event.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { buildApp } from './http/app.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

export interface Shuttle {
  runtime: Runtime;
  app: FastifyInstance;
  /** Listens on the configured host and port (0 = any free port); resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting requests, lets those in flight finish, then writes every pending usage event. */
  close(): Promise<void>;
}

export async function createShuttle(config: Config, options: RuntimeOptions = {}): Promise<Shuttle> {
  const runtime = await createRuntime(config, options);
  const app = await buildApp(runtime);
  let closing: Promise<void> | undefined;

  return {
    runtime,
    app,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    close() {
      closing ??= (async () => {
        // A keep-alive connection whose last response ends after close() began would otherwise stay open until
        // its keep-alive timeout; sweep such idle connections until the server is closed.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        // Requests still open at the timeout are cut, and recorded as they close (503 shutting_down, with the usage seen
        // so far): before the usage writer closes, since closing a connection emits its 'close' before the server's.
        const force = setTimeout(() => {
          app.cutOpenRequests();
          app.server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        force.unref();
        try {
          await app.close();
          await app.requestsClosed();
        } finally {
          clearInterval(sweep);
          clearTimeout(force);
        }
        await runtime.close();
      })();
      return closing;
    },
  };
}
