// The one place where the Fastify app is put together from its plugins and route modules.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RouteOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Runtime } from '../runtime.js';
import { newRequestId } from '../store/ids.js';
import { authenticate } from './plugins/authenticate.js';
import { registerErrorHandler, sendClientError, sendFrameworkError } from './plugins/error-handler.js';
import { registerJsonBody } from './plugins/json-body.js';
import { recordingResponses, registerRequestLifecycle } from './plugins/request-lifecycle.js';
import { registerUrlTextCheck } from './plugins/storable-text.js';
import './request-context.js';
import { lazyRequestLogger } from './request-logger.js';
import { adminPlansRoutes } from './routes/admin-plans.js';
import { adminTenantsRoutes } from './routes/admin-tenants.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { authRoutes } from './routes/auth.js';
import { cacheRoutes } from './routes/cache.js';
import { chatCompletionsRoutes } from './routes/chat-completions.js';
import { customersRoutes } from './routes/customers.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { embeddingsRoutes } from './routes/embeddings.js';
import { environmentsRoutes } from './routes/environments.js';
import { flowEnvironmentsRoutes } from './routes/flow-environments.js';
import { flowRunsRoutes } from './routes/flow-runs.js';
import { flowsRoutes } from './routes/flows.js';
import { invitationsRoutes } from './routes/invitations.js';
import { keysRoutes } from './routes/keys.js';
import { mcpRoutes } from './routes/mcp.js';
import { mcpServersRoutes } from './routes/mcp-servers.js';
import { membersRoutes } from './routes/members.js';
import { messagesRoutes } from './routes/messages.js';
import { modelsRoutes } from './routes/models.js';
import { operationsRoutes } from './routes/operations.js';
import { providersRoutes } from './routes/providers.js';
import { requestsRoutes } from './routes/requests.js';
import { responsesRoutes } from './routes/responses.js';
import { routingRulesRoutes } from './routes/routing-rules.js';
import { tenantRoutes } from './routes/tenant.js';
import { toolsRoutes } from './routes/tools.js';
import { usageRoutes } from './routes/usage.js';

export interface AppOptions {
  /** Hears of each route as it is registered: Fastify's onRoute hook, added before the first route (tests list routes with it). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // One line per request is logged by the request lifecycle, once the response has closed.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    bodyLimit: runtime.config.bodyLimitBytes,
    // Requests that arrive while the server drains get Shuttle's own 503 shutting_down (request lifecycle).
    return503OnClosing: false,
    trustProxy: runtime.config.trustProxy,
    forceCloseConnections: 'idle',
    // A path parameter may be a customer id of 256 characters, each up to 4 bytes of UTF-8, percent-encoded.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 * 12 },
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
    // Responses record their usage before their last byte (request lifecycle).
    http: { ServerResponse: recordingResponses(runtime) },
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerRequestLifecycle(app, runtime);
  registerUrlTextCheck(app);
  registerJsonBody(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Shuttle API', version: '1', description: 'Multi-tenant, OpenAI-compatible LLM gateway' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A ps_… API key or a dashboard session token' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A ps_… API key, on the Anthropic Messages routes' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(operationsRoutes(runtime));
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate(runtime));
      api.get('/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () => app.swagger());
      await api.register(chatCompletionsRoutes(runtime));
      await api.register(responsesRoutes(runtime));
      await api.register(messagesRoutes(runtime));
      await api.register(embeddingsRoutes(runtime));
      await api.register(modelsRoutes(runtime));
      await api.register(authRoutes(runtime));
      await api.register(keysRoutes(runtime));
      await api.register(membersRoutes(runtime));
      await api.register(invitationsRoutes(runtime));
      await api.register(auditLogRoutes(runtime));
      await api.register(tenantRoutes(runtime));
      await api.register(customersRoutes(runtime));
      await api.register(usageRoutes(runtime));
      await api.register(cacheRoutes(runtime));
      await api.register(requestsRoutes(runtime));
      await api.register(environmentsRoutes(runtime));
      await api.register(providersRoutes(runtime));
      await api.register(routingRulesRoutes(runtime));
      await api.register(flowsRoutes(runtime));
      await api.register(flowEnvironmentsRoutes(runtime));
      await api.register(flowRunsRoutes(runtime));
      await api.register(mcpServersRoutes(runtime));
      await api.register(adminTenantsRoutes(runtime));
      await api.register(adminPlansRoutes(runtime));
      await api.register(toolsRoutes(runtime));
    },
    { prefix: '/api/v1' },
  );
  // Shuttle's own MCP server, authenticated like /api/v1.
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate(runtime));
      await api.register(mcpRoutes(runtime));
    },
    { prefix: '/api' },
  );
  await app.register(dashboardRoutes());
  return app;
}
