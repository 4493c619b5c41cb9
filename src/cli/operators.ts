// `shuttle operators …`, `shuttle tenants …` and `shuttle plans …`: what server operators do (docs/operators.md),
// from the server's shell. Each goes through the service the HTTP API uses, and running instances follow at once
// when REDIS_URL is set.
import type { Command } from 'commander';
import type { z } from 'zod';
import { InvitationService } from '../auth/invitations.js';
import { Operators } from '../auth/operators.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { TenantAdministration } from '../auth/tenant-administration.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import { planCreate, toAdminTenantView, toPlanView } from '../http/schemas/admin.js';
import { displayName, email } from '../http/schemas/common.js';
import { Plans } from '../metering/plans.js';
import { randomBase62 } from '../store/ids.js';
import { ServerSettingsRepository } from '../store/repositories/server-settings.js';
import { type AdminContext, resolveTenant, withAdminContext } from './admin-context.js';
import { CliError, printJson, printLines } from './output.js';

interface JsonOption {
  json?: boolean;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue && issue.path.length > 0 ? `${issue.path.join('.')} ` : '';
    throw new CliError(`${option} ${path}${issue?.message ?? 'is invalid'}.`);
  }
  return result.data;
}

/** Runs a command with the operators' services; a refusal (409, 404, …) is printed as the API would word it. */
function withServices<T>(run: (services: Services, context: AdminContext) => Promise<T>): Promise<T> {
  return withAdminContext(async (context) => {
    const { db, bus, config } = context;
    // The signing secret, as the server finds it: invitations made here are accepted through the server.
    const secret = config.secret ?? (await new ServerSettingsRepository(db).putIfAbsent('secret', randomBase62(64)));
    const invitations = new InvitationService(
      db,
      bus,
      new SessionTokens(secret, config.sessionTtlSeconds),
      config.invitationTtlSeconds * 1000,
    );
    try {
      return await run(
        { operators: new Operators(db, bus), tenants: new TenantAdministration(db, bus, invitations), plans: new Plans(db, bus) },
        context,
      );
    } catch (error) {
      if (error instanceof ShuttleError) throw new CliError(error.message);
      throw error;
    }
  });
}

interface Services {
  operators: Operators;
  tenants: TenantAdministration;
  plans: Plans;
}

function printTenant(view: ReturnType<typeof toAdminTenantView>): void {
  const state = view.suspended ? 'suspended' : 'active';
  printLines(
    `${view.id}  ${state.padEnd(9)}  ${(view.planId ?? '-').padEnd(24)}  ${String(view.month.requests).padStart(8)} req  $${view.month.costUsd.toFixed(2).padStart(9)}  ${view.name}`,
  );
}

export function registerOperatorCommands(program: Command): void {
  const operators = program.command('operators').description('manage server operators (docs/operators.md)');
  operators
    .command('list')
    .description('list the server operators')
    .option('--json', 'print JSON')
    .action((options: JsonOption) =>
      withServices(async ({ operators }) => {
        const users = (await operators.list()).map((u) => ({ id: u.id, email: u.email }));
        if (options.json) return printJson({ data: users });
        for (const user of users) printLines(`${user.id}  ${user.email}`);
      }),
    );
  for (const [name, description, operator] of [
    ['add', 'make an existing user a server operator', true],
    ['remove', 'make a user no longer a server operator (the last one stays)', false],
  ] as const) {
    operators
      .command(name)
      .description(description)
      .argument('<email>')
      .option('--json', 'print JSON')
      .action((address: string, options: JsonOption) =>
        withServices(async ({ operators }) => {
          const user = operator ? await operators.add(address) : await operators.remove(address);
          if (options.json) return printJson({ id: user.id, email: user.email, operator });
          printLines(operator ? `${user.email} is now a server operator.` : `${user.email} is no longer a server operator.`);
        }),
      );
  }

  const tenants = program.command('tenants').description('manage tenants as a server operator');
  tenants
    .command('list')
    .description('list every tenant with its plan, state and this month’s requests and cost')
    .option('--json', 'print JSON')
    .action((options: JsonOption) =>
      withServices(async ({ tenants }) => {
        const views = (await tenants.list()).map(toAdminTenantView);
        if (options.json) return printJson({ data: views });
        for (const view of views) printTenant(view);
      }),
    );
  tenants
    .command('create')
    .description('create a tenant and invite its first owner (prints the invitation link once)')
    .requiredOption('--name <name>', 'the tenant’s name')
    .requiredOption('--owner <email>', 'the first owner’s email')
    .option('--plan <id-or-name>', 'the plan to give it')
    .option('--json', 'print JSON')
    .action((options: JsonOption & { name: string; owner: string; plan?: string }) =>
      withServices(async ({ tenants, plans }, { actor, config }) => {
        const planId = options.plan === undefined ? null : (await plans.find(options.plan)).id;
        const created = await tenants.create(actor, {
          name: parse(displayName, options.name, '--name'),
          ownerEmail: parse(email, options.owner, '--owner'),
          planId,
        });
        const acceptUrl = config.publicUrl ? `${config.publicUrl.replace(/\/+$/, '')}/accept-invitation#${created.token}` : null;
        if (options.json) return printJson({ ...toAdminTenantView(created.tenant), invitation: { token: created.token, acceptUrl } });
        printLines(
          `Created tenant ${created.tenant.name} (${created.tenant.id}); invited ${created.invitation.email} as its owner.`,
          acceptUrl
            ? `Invitation link (shown once): ${acceptUrl}`
            : `Invitation token (shown once; open <dashboard>/accept-invitation#<token>): ${created.token}`,
        );
      }),
    );
  for (const [name, suspended] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    tenants
      .command(name)
      .description(suspended ? 'suspend a tenant: its keys and members get 423 at once' : 'resume a suspended tenant')
      .argument('<tenant>', 'id or name')
      .option('--json', 'print JSON')
      .action((tenant: string, options: JsonOption) =>
        withServices(async ({ tenants }, { actor, db }) => {
          const view = toAdminTenantView(await tenants.update(actor, await resolveTenant(db, tenant), { suspended }));
          if (options.json) return printJson(view);
          printLines(`${view.name} (${view.id}) is ${suspended ? 'suspended' : 'active'}.`);
        }),
      );
  }

  const plans = program.command('plans').description('manage the plans server operators give tenants');
  plans
    .command('list')
    .description('list plans')
    .option('--json', 'print JSON')
    .action((options: JsonOption) =>
      withServices(async ({ plans }) => {
        const views = (await plans.list()).map(toPlanView);
        if (options.json) return printJson({ data: views });
        for (const view of views) {
          printLines(
            `${view.id}  ${view.name}  models: ${view.allowedModels?.join(', ') ?? 'all'}  limits: ${JSON.stringify(view.limits)}`,
          );
        }
      }),
    );
  plans
    .command('create')
    .description('create a plan')
    .requiredOption('--name <name>', 'the plan’s name')
    .option('--models <patterns>', 'comma-separated models or patterns it allows (default: all)')
    .option('--limits <json>', 'the limits object, e.g. \'{"costUsd":{"month":100},"requestsPerMinute":600}\'')
    .option('--max-concurrent <n>', 'requests in flight at once per tenant')
    .option('--multipliers <json>', 'e.g. \'{"openai/gpt-4o":1.2,"*":1}\'')
    .option('--json', 'print JSON')
    .action((options: JsonOption & { name: string; models?: string; limits?: string; maxConcurrent?: string; multipliers?: string }) =>
      withServices(async ({ plans }) => {
        const input = parse(
          planCreate,
          {
            name: options.name,
            ...(options.models === undefined ? {} : { allowedModels: options.models.split(',').map((m) => m.trim()) }),
            ...(options.limits === undefined ? {} : { limits: parseJson(options.limits, '--limits') }),
            ...(options.maxConcurrent === undefined ? {} : { maxConcurrentRequests: Number(options.maxConcurrent) }),
            ...(options.multipliers === undefined ? {} : { modelMultipliers: parseJson(options.multipliers, '--multipliers') }),
          },
          'Invalid plan:',
        );
        const view = toPlanView(await plans.create(input));
        if (options.json) return printJson(view);
        printLines(`Created plan ${view.name} (${view.id}).`);
      }),
    );
  plans
    .command('assign')
    .description('give a tenant a plan ("none" removes it); its limits and models change at once')
    .argument('<plan>', 'id or name, or "none"')
    .requiredOption('--tenant <id-or-name>', 'the tenant')
    .option('--json', 'print JSON')
    .action((plan: string, options: JsonOption & { tenant: string }) =>
      withServices(async ({ tenants, plans }, { actor, db }) => {
        const planId = plan === 'none' ? null : (await plans.find(plan)).id;
        const view = toAdminTenantView(await tenants.update(actor, await resolveTenant(db, options.tenant), { planId }));
        if (options.json) return printJson(view);
        printLines(planId === null ? `${view.name} (${view.id}) has no plan.` : `${view.name} (${view.id}) is on plan ${plan}.`);
      }),
    );
}

function parseJson(text: string, option: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${option} must be JSON.`);
  }
}
