// `shuttle flows …`: flows as code. `push` makes a new version from a YAML or JSON file kept in git (and can
// activate it), so CI can deploy prompts; `run` runs a flow in-process through the same pipeline as the API.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CredentialCipher } from '../auth/credential-cipher.js';
import { loadConfig } from '../config/config.js';
import { SLUG, templates } from '../domain/flow-template.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import { FlowDeployments } from '../flows/flow-deployments.js';
import { Flows } from '../flows/flows.js';
import { runRecord } from '../flows/run-record.js';
import { type ToolInput, toolInput } from '../flows/tools/tool-definition.js';
import { ToolLibrary } from '../flows/tools/tool-library.js';
import { microsToUsd } from '../metering/price-table.js';
import { RequestMeter } from '../metering/request-meter.js';
import { AddressPolicy } from '../network/address-policy.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { newId, randomBase62 } from '../store/ids.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { ServerSettingsRepository } from '../store/repositories/server-settings.js';
import { type AdminContext, resolveTenant, withAdminContext } from './admin-context.js';
import { CliError, printJson, printLines } from './output.js';

interface TenantOptions {
  tenant: string;
  json?: boolean;
}

const flowFile = z.object({
  slug: z.string().regex(SLUG).max(64).optional(),
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** Tools the templates use, as POST /tools takes them: created in the library, or updated when the name exists. */
  tools: z.array(toolInput).max(50).optional(),
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

/** The flow services over the CLI's database, for one tenant; a refusal becomes the CLI's error with its message. */
async function withFlows<T>(
  options: TenantOptions,
  run: (services: { flows: Flows; deployments: FlowDeployments }, tenantId: string, context: AdminContext) => Promise<T>,
): Promise<T> {
  return withAdminContext(async (context) => {
    const tenantId = await resolveTenant(context.db, options.tenant);
    const flows = new Flows(context.db);
    try {
      return await run({ flows, deployments: new FlowDeployments(context.db, flows) }, tenantId, context);
    } catch (error) {
      if (error instanceof ShuttleError) throw new CliError(error.message);
      throw error;
    }
  });
}

export function registerFlowsCommands(program: Command): void {
  const flowsCommand = program.command('flows').description("manage a tenant's flows as code");
  const tenantOption = (command: Command) => command.requiredOption('--tenant <id-or-name>', 'the tenant').option('--json', 'print JSON');

  tenantOption(flowsCommand.command('list').description('list flows with their latest and active versions')).action(
    (options: TenantOptions) =>
      withFlows(options, async ({ flows }, tenantId) => {
        const rows = (await flows.list(tenantId)).map((flow) => ({
          id: flow.id,
          slug: flow.slug,
          title: flow.title,
          latestVersion: flow.latestVersion,
          environments: flow.environments,
        }));
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
    .action(async (file: string, options: TenantOptions & { activate?: string; force?: boolean }) => {
      const { tools, ...definition } = readFlowFile(file);
      await withFlows(options, async ({ flows, deployments }, tenantId, context) => {
        const { actor } = context;
        const toolChanges = tools ? await pushTools(await toolLibraryOf(context), tenantId, actor, tools) : { created: [], updated: [] };
        const { flow, version, createdFlow, createdVersion } = await flows.push(tenantId, actor, definition, options.force);
        const unchanged = !createdVersion;
        if (options.activate) await deployments.activate(tenantId, actor, flow.id, version.version, options.activate);
        const result = {
          flowId: flow.id,
          slug: flow.slug,
          version: version.version,
          created: !unchanged,
          createdFlow,
          activated: options.activate ?? null,
          tools: toolChanges,
        };
        if (options.json) return printJson(result);
        printLines(
          `${flow.slug}: ${unchanged ? `unchanged, still v${version.version}` : `v${version.version} created`}${options.activate ? `, active in ${options.activate}` : ''}.`,
        );
      });
    });

  tenantOption(
    flowsCommand
      .command('activate')
      .description('activate a version in an environment')
      .argument('<flow>')
      .argument('<version>')
      .argument('<environment>'),
  ).action((name: string, version: string, environment: string, options: TenantOptions) =>
    withFlows(options, async ({ flows, deployments }, tenantId, { actor }) => {
      const flow = await flows.find(tenantId, name);
      const number = Number(version);
      if (!Number.isInteger(number) || number < 1) throw new CliError('<version> must be a version number such as 3.');
      await deployments.activate(tenantId, actor, flow.id, number, environment);
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

/** The tool library over the CLI's database, with the server's secret for http tools' headers. */
async function toolLibraryOf({ config, db }: AdminContext): Promise<ToolLibrary> {
  const secret = config.secret ?? (await new ServerSettingsRepository(db).putIfAbsent('secret', randomBase62(64)));
  return new ToolLibrary(db, new CredentialCipher(secret), new AddressPolicy(config.privateNetworks));
}

/** Creates the file's tools that the library lacks and updates those it has (by name; a type never changes). */
async function pushTools(
  library: ToolLibrary,
  tenantId: string,
  actor: Actor,
  tools: readonly ToolInput[],
): Promise<{ created: string[]; updated: string[] }> {
  const existing = new Map((await library.list(tenantId)).map((tool) => [tool.name, tool]));
  const changes = { created: [] as string[], updated: [] as string[] };
  for (const tool of tools) {
    const stored = existing.get(tool.name);
    if (!stored) {
      await library.create(tenantId, actor, tool);
      changes.created.push(tool.name);
      continue;
    }
    if (stored.type !== tool.type)
      throw new CliError(`The library's tool "${tool.name}" has the type ${stored.type}, not ${tool.type}: a tool's type never changes.`);
    const { type: _type, ...patch } = tool;
    await library.update(tenantId, actor, stored.id, patch);
    changes.updated.push(tool.name);
  }
  return changes;
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
    // A suspended tenant's runs are refused here as over HTTP (423 there): its spending is what suspension stops.
    const tenant = await runtime.repos.tenants.get(tenantId);
    if (tenant && tenant.suspendedAt !== null) throw new ShuttleError('tenant_suspended');
    const flow = await runtime.flows.find(tenantId, name);
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
        costUsd: microsToUsd(meter.billedMicros),
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
