/**
 * `jpp-broker register …`: the register of people, organisations and adapters at the command line,
 * for the functioneel beheerder (docs/register.md).
 *
 * - `bootstrap` registers the first functioneel beheerders of an empty register, before anyone can
 *   log in. It migrates the database and writes the platform's vocabulary first, so it is the first
 *   command on an empty PostgreSQL database. Refused once the register has a beheerder.
 * - `person …`, `organisation …`, `adapter …` act as a registered beheerder (`--as`), through the
 *   register's own services: the access gate admits, every change is a register-change entry in
 *   the logboek, four eyes hold as in the API and on the web.
 *
 * Invariants:
 * - The logic is the register's own (broker/register/); this file parses options and prints.
 * - Exit codes: 0 done, 2 refused (the problem is printed in one line), 1 usage or I/O errors.
 * - The embedded database admits one process: stop the broker, or use the API or web pages while
 *   it runs; on PostgreSQL these commands run beside the brokers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { packageRoot } from '../../protocol/package-root.js';
import { activityOf, loadPlatform, type Platform } from '../platform/platform.js';
import { syncPlatform } from '../platform/platform.repository.js';
import { createLogWriter } from '../logboek/log-writer.js';
import { createPolicyService } from '../policy/policy.service.js';
import { createAccessGate } from '../access/access-gate.js';
import { createUnitOfWork } from '../unit-of-work/unit-of-work.js';
import { createPeopleService, type PeopleService } from '../register/people.service.js';
import { createOrganisationsService, type OrganisationsService } from '../register/organisations.service.js';
import { createAdaptersService, type AdaptersService } from '../register/adapters.service.js';
import { bootstrapRegister } from '../register/register-bootstrap.js';
import { findActivePerson } from '../register/person.repository.js';
import { AppError } from '../errors/app-error.js';
import type { PersonPrincipal } from '../auth/principal.js';
import type { PersonView } from '../register/register-types.js';
import { commandEnv, servesSeveralPlatforms } from '../config/platforms-config.js';

interface Io {
  out(line: string): void;
}
const stdio: Io = { out: (line) => process.stdout.write(`${line}\n`) };

interface RegisterContext {
  readonly platform: Platform;
  readonly people: PeopleService;
  readonly organisations: OrganisationsService;
  readonly adapters: AdaptersService;
  /** The beheerder named by `--as`, as the register confirms them now. */
  as(personId: string): Promise<PersonPrincipal>;
  bootstrap(people: Parameters<typeof bootstrapRegister>[1]): Promise<PersonView[]>;
}

/** Opens the platform's database (migrating it: the register may be the first thing on it) and builds the register's services. */
async function withRegister<T>(platformOption: string | undefined, fn: (c: RegisterContext) => Promise<T>): Promise<T> {
  const root = packageRoot();
  const schemas = createSchemaRegistry();
  const several = platformOption !== undefined && !existsSync(platformOption) && /^[a-z][a-z0-9-]*$/.test(platformOption);
  const env = several ? commandEnv(process.env, platformOption) : process.env;
  const file = resolve((several ? undefined : platformOption) ?? (env['JPP_PLATFORM_FILE'] || join(root, 'policies/jpp-sittard-geleen.platform.json')));
  const platform = loadPlatform(file, schemas);
  const platformEnv = !several && servesSeveralPlatforms(process.env) ? commandEnv(process.env, platform.id) : env;
  const url = platformEnv['DATABASE_URL'];
  const handle: DatabaseHandle = await openDatabase(url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: resolve(platformEnv['DATA_DIR'] || './data') });
  try {
    await migrateToLatest(handle.db);
    await syncPlatform(handle.db, platform);
    const now = (): Date => new Date();
    const log = createLogWriter({ activityOf: (action) => activityOf(platform, action), schemas, onCommitted: () => undefined });
    const policy = await createPolicyService({ db: handle.db, platform, modelFile: join(root, 'policies/model.conf'), log, now });
    const gate = createAccessGate({ platform, now });
    const uow = createUnitOfWork({
      db: handle.db,
      gate,
      log,
      now,
      policyInForce: () => {
        const active = policy.active();
        return { version: active.versionId, hash: active.contentHash };
      },
    });
    const querySchemas = createSchemaRegistry({ coerceTypes: true });
    const people = createPeopleService({ uow, platform, schemas, querySchemas });
    const context: RegisterContext = {
      platform,
      people,
      organisations: createOrganisationsService({ uow, platform, schemas }),
      adapters: createAdaptersService({ uow, platform, schemas }),
      async as(personId) {
        const p = await findActivePerson(handle.db, personId, now());
        const role = p?.roles.find((r) => platform.roles.some((x) => x.id === r && x.capabilities.includes('administer')));
        if (!p || !role) throw new AppError('forbidden', `${personId} is not a functioneel beheerder the register confirms now`);
        return { kind: 'person', id: personId, organisation: p.organisation, role };
      },
      bootstrap: (toRegister) => bootstrapRegister({ uow, platform, people }, toRegister, trace()),
    };
    return await fn(context);
  } finally {
    await handle.close();
  }
}

const trace = (): string => randomUUID().replaceAll('-', '');
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function describePerson(p: PersonView, platform: Platform): string {
  const role = (id: string) => platform.roles.find((r) => r.id === id)?.name ?? id;
  const roles = p.roles.filter((g) => g.state !== 'revoked').map((g) => `${role(g.role)} (${g.state})`).join(', ') || 'no roles';
  return `${p.personId}  ${p.displayName}  ${p.organisation}  ${p.state}  ${roles}`;
}

/** Runs a command and turns a refusal into one line and exit code 2. */
async function run(io: Io, fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const fields = err.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ');
    io.out(`refused (${err.code}): ${err.message}${fields ? ` [${fields}]` : ''}`);
    return 2;
  }
}

export function registerCommand(io: Io = stdio): Command {
  const register = new Command('register').description('the register of people, organisations and adapters (docs/register.md)');
  const platformOption = ['--platform <file-or-id>', 'the platform file, or with JPP_PLATFORMS a platform id'] as const;
  const done = (code: number): void => {
    process.exitCode = code;
  };

  register
    .command('bootstrap')
    .description('register the first functioneel beheerders of an empty register (give two, so that the second can approve what the first grants)')
    .requiredOption('--subject <sub>', 'a beheerder\'s subject at the identity provider (repeat per beheerder)', collect)
    .requiredOption('--name <name>', 'their display name (repeat, in the same order)', collect)
    .requiredOption('--organisation <id>', 'their organisation (repeat, in the same order)', collect)
    .option(...platformOption)
    .action(async (o: { subject: string[]; name: string[]; organisation: string[]; platform?: string }) => {
      if (o.subject.length !== o.name.length || o.subject.length !== o.organisation.length) throw new Error('give --subject, --name and --organisation once per beheerder, in the same order');
      done(
        await withRegister(o.platform, async (c) =>
          run(io, async () => {
            const role = c.platform.roles.find((r) => r.capabilities.includes('administer'));
            if (!role) throw new AppError('validation', 'the platform defines no role with the administer capability');
            const made = await c.bootstrap(o.subject.map((personId, i) => ({ personId, displayName: o.name[i]!, organisation: o.organisation[i]!, roles: [role.id] })));
            for (const p of made) io.out(`registered ${describePerson(p, c.platform)}`);
          }),
        ),
      );
    });

  const person = register.command('person').description('people and their roles');
  person
    .command('add')
    .description('register a person with one or more roles')
    .requiredOption('--as <beheerder>', 'the registered functioneel beheerder who makes the change')
    .requiredOption('--subject <sub>', "the person's subject at the identity provider")
    .requiredOption('--name <name>', 'their display name (no digits or @)')
    .requiredOption('--organisation <id>', 'their organisation')
    .requiredOption('--role <role>', 'a role (repeat for several)', collect)
    .option('--valid-until <date>', 'the last day of access is the day before this date (YYYY-MM-DD)')
    .option(...platformOption)
    .action(async (o: { as: string; subject: string; name: string; organisation: string; role: string[]; validUntil?: string; platform?: string }) => {
      done(
        await withRegister(o.platform, async (c) =>
          run(io, async () => {
            const p = await c.people.register(await c.as(o.as), { personId: o.subject, displayName: o.name, organisation: o.organisation, roles: o.role.map((role) => ({ role })), ...(o.validUntil ? { validUntil: o.validUntil } : {}) }, trace());
            io.out(`registered ${describePerson(p, c.platform)}`);
          }),
        ),
      );
    });
  person
    .command('list')
    .description('everyone in the register')
    .requiredOption('--as <beheerder>', 'a registered functioneel beheerder')
    .option(...platformOption)
    .action(async (o: { as: string; platform?: string }) => {
      done(await withRegister(o.platform, async (c) => run(io, async () => {
        for (const p of (await c.people.list(await c.as(o.as), { limit: '500' })).items) io.out(describePerson(p, c.platform));
      })));
    });
  for (const [name, description, act] of [
    ['grant', 'grant a role', (c: RegisterContext, as: PersonPrincipal, o: { subject: string; role: string }) => c.people.grant(as, o.subject, { role: o.role }, trace())],
    ['approve', 'approve a privileged grant (four eyes: not your own grant, not a grant to yourself)', (c: RegisterContext, as: PersonPrincipal, o: { subject: string; role: string }) => c.people.approve(as, o.subject, o.role, trace())],
    ['revoke', 'revoke a role', (c: RegisterContext, as: PersonPrincipal, o: { subject: string; role: string }) => c.people.revoke(as, o.subject, o.role, trace())],
  ] as const) {
    person
      .command(name)
      .description(description)
      .requiredOption('--as <beheerder>', 'the registered functioneel beheerder who makes the change')
      .requiredOption('--subject <sub>', "the person's subject")
      .requiredOption('--role <role>', 'the role')
      .option(...platformOption)
      .action(async (o: { as: string; subject: string; role: string; platform?: string }) => {
        done(await withRegister(o.platform, async (c) => run(io, async () => io.out(`${name}: ${describePerson(await act(c, await c.as(o.as), o), c.platform)}`))));
      });
  }
  for (const [name, active] of [['deactivate', false], ['reactivate', true]] as const) {
    person
      .command(name)
      .description(active ? 'give a deactivated person access again' : "end a person's access at once (tokens refused from the next request, web sessions ended)")
      .requiredOption('--as <beheerder>', 'the registered functioneel beheerder who makes the change')
      .requiredOption('--subject <sub>', "the person's subject")
      .option(...platformOption)
      .action(async (o: { as: string; subject: string; platform?: string }) => {
        done(await withRegister(o.platform, async (c) => run(io, async () => {
          const as = await c.as(o.as);
          const p = active ? await c.people.reactivate(as, o.subject, trace()) : await c.people.deactivate(as, o.subject, trace());
          io.out(`${name}d: ${describePerson(p, c.platform)}`);
        })));
      });
  }

  register
    .command('organisation')
    .description('organisations')
    .command('add')
    .description('register an organisation whose people may log in')
    .requiredOption('--as <beheerder>', 'the registered functioneel beheerder who makes the change')
    .requiredOption('--id <id>', 'its id: lowercase letters, digits and hyphens')
    .requiredOption('--name <name>', 'its name')
    .option(...platformOption)
    .action(async (o: { as: string; id: string; name: string; platform?: string }) => {
      done(await withRegister(o.platform, async (c) => run(io, async () => {
        const org = await c.organisations.register(await c.as(o.as), { organisationId: o.id, name: o.name }, trace());
        io.out(`registered ${org.organisationId}  ${org.name}`);
      })));
    });

  const adapter = register.command('adapter').description("partners' adapters and their signing keys");
  adapter
    .command('add')
    .description("register a partner's adapter")
    .requiredOption('--as <beheerder>', 'the registered functioneel beheerder who makes the change')
    .requiredOption('--id <id>', 'its id, e.g. halt-nachtelijk')
    .requiredOption('--partner <id>', 'the partner')
    .requiredOption('--client-id <sub>', 'the subject of its bearer tokens')
    .option('--certificate-subject <cn>', "its mTLS certificate's subject common name")
    .option(...platformOption)
    .action(async (o: { as: string; id: string; partner: string; clientId: string; certificateSubject?: string; platform?: string }) => {
      done(await withRegister(o.platform, async (c) => run(io, async () => {
        const a = await c.adapters.register(await c.as(o.as), { adapterId: o.id, partner: o.partner, clientId: o.clientId, ...(o.certificateSubject ? { certificateSubject: o.certificateSubject } : {}) }, trace());
        io.out(`registered adapter ${a.adapterId} for ${a.partner} (client ${a.clientId})`);
      })));
    });
  adapter
    .command('key-add')
    .description("register a public signing key (JWK file) for the adapter's partner")
    .requiredOption('--as <beheerder>', 'the registered functioneel beheerder who makes the change')
    .requiredOption('--id <id>', 'the adapter')
    .requiredOption('--kid <kid>', 'the key id its batches name')
    .requiredOption('--jwk <file>', 'the public JWK (JSON)')
    .option(...platformOption)
    .action(async (o: { as: string; id: string; kid: string; jwk: string; platform?: string }) => {
      const jwk = JSON.parse(readFileSync(o.jwk, 'utf8')) as unknown;
      done(await withRegister(o.platform, async (c) => run(io, async () => {
        const a = await c.adapters.addKey(await c.as(o.as), o.id, { kid: o.kid, jwk }, trace());
        io.out(`key ${o.kid} registered for ${a.partner}; keys: ${a.keys.map((k) => `${k.kid}${k.revokedAt ? ' (revoked)' : ''}`).join(', ')}`);
      })));
    });
  adapter
    .command('deactivate')
    .description("end an adapter's access at once")
    .requiredOption('--as <beheerder>', 'the registered functioneel beheerder who makes the change')
    .requiredOption('--id <id>', 'the adapter')
    .option(...platformOption)
    .action(async (o: { as: string; id: string; platform?: string }) => {
      done(await withRegister(o.platform, async (c) => run(io, async () => {
        const a = await c.adapters.deactivate(await c.as(o.as), o.id, trace());
        io.out(`adapter ${a.adapterId}: ${a.state}`);
      })));
    });
  return register;
}
