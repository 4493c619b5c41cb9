// `shuttle flows …`: flows as code. `push` makes a new version from a YAML or JSON file kept in git (and can
// activate it), so CI can deploy prompts; `run` runs a flow in-process through the same pipeline as the API.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../config/config.js';
import { SLUG, slugify, templates } from '../domain/flow-template.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import { runRecord } from '../flows/run-record.js';
import { microsToUsd } from '../metering/price-table.js';
import { RequestMeter } from '../metering/request-meter.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { newId } from '../store/ids.js';
import { AuditLogRepository } from '../store/repositories/audit-log.js';
import { EnvironmentRepository } from '../store/repositories/environments.js';
import { type Flow, FlowRepository } from '../store/repositories/flows.js';
import { type AdminContext, CLI_ACTOR, resolveTenant, withAdminContext } from './admin-context.js';
import { CliError, printJson, printLines } from './output.js';

interface TenantOptions {
  tenant: string;
  json?: boolean;
}

const flowFile = z.object({
  slug: z.string().regex(SLUG).max(64).optional(),
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  templates,
});

function readFlowFile(path: string): z.infer<typeof flowFile> {
  let parsed: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    parsed = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  const result = flowFile.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CliError(`${path}: ${issue?.path.join('.') || '(file)'}: ${issue?.message}`);
  }
  return result.data;
}

async function findFlow(flows: FlowRepository, tenantId: string, name: string): Promise<Flow> {
  const flow = await flows.find(tenantId, name);
  if (!flow) throw new CliError(`No flow "${name}".`);
  return flow;
}

async function activate({ db }: AdminContext, tenantId: string, flow: Flow, version: number, environment: string): Promise<void> {
  if (!(await new EnvironmentRepository(db).exists(tenantId, environment))) throw new CliError(`No environment "${environment}".`);
  const flows = new FlowRepository(db);
  if (!(await flows.version(tenantId, flow.id, version))) throw new CliError(`"${flow.slug}" has no version ${version}.`);
  await flows.activate(tenantId, flow.id, environment, version, null);
  await new AuditLogRepository(db).record(tenantId, CLI_ACTOR, {
    action: 'flow.activated',
    targetType: 'flow',
    targetId: flow.id,
    details: { slug: flow.slug, environment, version },
  });
}

export function registerFlowsCommands(program: Command): void {
  const flowsCommand = program.command('flows').description("manage a tenant's flows as code");
  const tenantOption = (command: Command) => command.requiredOption('--tenant <id-or-name>', 'the tenant').option('--json', 'print JSON');

  tenantOption(flowsCommand.command('list').description('list flows with their latest and active versions')).action(
    (options: TenantOptions) =>
      withAdminContext(async (context) => {
        const tenantId = await resolveTenant(context.db, options.tenant);
        const flows = new FlowRepository(context.db);
        const deployments = await flows.deployments(tenantId);
        const rows = await Promise.all(
          (await flows.list(tenantId)).map(async (flow) => ({
            id: flow.id,
            slug: flow.slug,
            title: flow.title,
            latestVersion: (await flows.latestVersion(tenantId, flow.id))?.version ?? null,
            environments: Object.fromEntries(deployments.filter((d) => d.flowId === flow.id).map((d) => [d.environment, d.version])),
          })),
        );
        if (options.json) return printJson({ data: rows });
        for (const row of rows)
          printLines(
            `${row.slug.padEnd(32)} v${row.latestVersion ?? '-'}  ${Object.entries(row.environments)
              .map(([e, v]) => `${e}=v${v}`)
              .join(' ')}`,
          );
      }),
  );

  tenantOption(
    flowsCommand.command('push').description('make a new version from a YAML or JSON file (creating the flow when new)').argument('<file>'),
  )
    .option('--activate <environment>', 'activate the version there')
    .option('--force', 'make a new version even when the templates did not change')
    .action((file: string, options: TenantOptions & { activate?: string; force?: boolean }) =>
      withAdminContext(async (context) => {
        const definition = readFlowFile(file);
        const tenantId = await resolveTenant(context.db, options.tenant);
        const flows = new FlowRepository(context.db);
        const slug = definition.slug ?? slugify(definition.title);
        const existing = await flows.find(tenantId, slug);
        const flow =
          existing ?? (await flows.create(tenantId, { slug, title: definition.title, description: definition.description ?? null }));
        const latest = existing ? await flows.latestVersion(tenantId, flow.id) : undefined;
        const unchanged =
          latest !== undefined && JSON.stringify(latest.templates) === JSON.stringify(definition.templates) && !options.force;
        const version = unchanged
          ? latest
          : await flows.addVersion(tenantId, flow.id, { templates: definition.templates, description: definition.description ?? null });
        if (!unchanged) {
          await new AuditLogRepository(context.db).record(tenantId, CLI_ACTOR, {
            action: 'flow.version_created',
            targetType: 'flow',
            targetId: flow.id,
            details: { version: version.version },
          });
        }
        if (options.activate) await activate(context, tenantId, flow, version.version, options.activate);
        const result = {
          flowId: flow.id,
          slug: flow.slug,
          version: version.version,
          created: !unchanged,
          createdFlow: existing === undefined,
          activated: options.activate ?? null,
        };
        if (options.json) return printJson(result);
        printLines(
          `${flow.slug}: ${unchanged ? `unchanged, still v${version.version}` : `v${version.version} created`}${options.activate ? `, active in ${options.activate}` : ''}.`,
        );
      }),
    );

  tenantOption(
    flowsCommand
      .command('activate')
      .description('activate a version in an environment')
      .argument('<flow>')
      .argument('<version>')
      .argument('<environment>'),
  ).action((name: string, version: string, environment: string, options: TenantOptions) =>
    withAdminContext(async (context) => {
      const tenantId = await resolveTenant(context.db, options.tenant);
      const flow = await findFlow(new FlowRepository(context.db), tenantId, name);
      const number = Number(version);
      if (!Number.isInteger(number) || number < 1) throw new CliError('<version> must be a version number such as 3.');
      await activate(context, tenantId, flow, number, environment);
      if (options.json) return printJson({ flowId: flow.id, slug: flow.slug, version: number, environment });
      printLines(`${flow.slug} v${number} is active in ${environment}.`);
    }),
  );

  tenantOption(flowsCommand.command('run').description('run a flow and print its answer').argument('<flow>'))
    .option('--param <key=value...>', 'a parameter (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--environment <name>', 'the environment whose active version runs', 'production')
    .option('--version <n>', 'run this version instead')
    .option('--customer <id>', 'the end customer to attribute the run to')
    .action((name: string, options: TenantOptions & { param?: string[]; environment: string; version?: string; customer?: string }) =>
      runFlow(name, options),
    );
}

async function runFlow(
  name: string,
  options: TenantOptions & { param?: string[]; environment: string; version?: string; customer?: string },
): Promise<void> {
  const parameters: Record<string, string> = {};
  for (const pair of options.param ?? []) {
    const separator = pair.indexOf('=');
    if (separator < 1) throw new CliError(`--param ${pair}: write it as name=value.`);
    parameters[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  const runtime: Runtime = await createRuntime(loadConfig());
  try {
    const tenantId = await resolveTenant(runtime.db, options.tenant);
    const flow = await findFlow(runtime.repos.flows, tenantId, name);
    const meter = new RequestMeter('flows.run', performance.now());
    meter.flowId = flow.id;
    const customer = options.customer === undefined ? null : await runtime.customers.resolve(tenantId, options.customer);
    meter.customerId = customer?.id ?? null;
    const ctx = {
      tenant: await runtime.tenantConfigs.get(tenantId),
      principal: { type: 'system' as const, tenantId, environment: options.environment },
      customer,
      meter,
      signal: new AbortController().signal,
      environment: options.environment,
    };
    const requestId = newId('req');
    const run = await runtime.flowRunner.prepare(tenantId, options.environment, {
      flow,
      parameters,
      version: options.version === undefined ? undefined : Number(options.version),
    });
    meter.flowVersion = run.version.version;
    let status = 200;
    try {
      const answer = await runtime.flowRunner.answer(run, ctx);
      runtime.flowRunWriter.record(runRecord(run, ctx, { requestId, status, text: answer.text, parameters, tags: ['cli'] }));
      const result = {
        id: run.id,
        flowId: flow.id,
        version: run.version.version,
        environment: options.environment,
        response: answer.response,
        usage: meter.usage,
        costUsd: microsToUsd(meter.costMicros),
        model: answer.model,
        provider: meter.provider,
      };
      if (options.json) printJson(result);
      else printLines(typeof answer.response === 'string' ? answer.response : JSON.stringify(answer.response, null, 2));
    } catch (error) {
      status = error instanceof ShuttleError ? error.status : 500;
      runtime.flowRunWriter.record(
        runRecord(run, ctx, { requestId, status, text: null, error: error as Error, parameters, tags: ['cli'] }),
      );
      throw error instanceof ShuttleError ? new CliError(error.message) : error;
    } finally {
      runtime.usageWriter.record(
        meter.toEvent({ requestId, tenantId, keyId: null, environment: options.environment }, status, performance.now()),
      );
    }
  } catch (error) {
    if (error instanceof ShuttleError) throw new CliError(error.message);
    throw error;
  } finally {
    await runtime.close();
  }
}
