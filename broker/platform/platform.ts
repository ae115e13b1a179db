/**
 * The platform definition: the partners, roles, doelen and doelgroep of one partnership
 * (e.g. JPP Sittard-Geleen), read from a JSON file checked against
 * `schemas/platform.schema.json`.
 *
 * Invariants:
 * - Every partner's organisation exists, and ids are unique per kind.
 * - The platform is the closed vocabulary of the policy: a role, doel, partner or
 *   category outside it is never asked about.
 */
import { activityUri } from './activity-uri.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SignalCategory } from '../signals/signal-category.js';
import { LOG_ACTIONS, type LogAction } from '../logboek/log-actions.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../rate-limit/rate-limit-types.js';

/**
 * What a role may do. `manage-policy`: author, submit, approve (four-eyes), activate and
 * roll back policy versions; `read-policy`: read, lint, test, diff, simulate and preview them.
 * `manage-cases`, `rights` and `monitoring`: the casus workflow, data-subject rights and
 * retention, and monitoring aggregates (docs/casus.md). `administer`: the functioneel beheer
 * of the register of people, organisations and adapters (docs/register.md).
 */
export type Capability = 'query' | 'read-disclosures' | 'read-policy' | 'manage-policy' | 'manage-cases' | 'rights' | 'monitoring' | 'administer';

/** Every capability, in the order the documentation lists them. */
export const CAPABILITIES: readonly Capability[] = ['query', 'manage-cases', 'read-disclosures', 'rights', 'read-policy', 'manage-policy', 'monitoring', 'administer'];

/**
 * Capabilities whose grant needs a second functioneel beheerder's approval (four eyes): reading
 * the logboek or what it says about a youth, changing the policy, and granting roles.
 */
export const PRIVILEGED_CAPABILITIES: ReadonlySet<Capability> = new Set(['read-disclosures', 'rights', 'manage-policy', 'administer']);

export interface Platform {
  readonly id: string;
  readonly name: string;
  /** Absolute path of the seed policy set. */
  readonly policyFile: string;
  readonly doelgroep: { readonly minAge: number; readonly maxAge: number };
  /** The criteria for putting a youth on the agenda; each aanmelding records at least one (docs/casus.md). */
  readonly aanmeldcriteria: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  /** Below `parentBelowAge` years at aanmelding a parent or guardian must consent (AVG art. 7, docs/casus.md). */
  readonly consent: { readonly parentBelowAge: number };
  readonly signalMaxValidityDays: number;
  /** Retention periods in days (docs/casus.md). */
  readonly bewaartermijnen: { readonly closedCaseDays: number; readonly logContentDays: number; readonly bezwaarDays: number; readonly verzoekDays: number };
  /** Days after aanmelding by which each subject must be informed, unless deferred (AVG art. 14(3)(a)). */
  readonly notificatieTermijnDays: number;
  /** Small-cell suppression threshold and the shortest period of a monitoring query. */
  readonly monitoring: { readonly minCellSize: number; readonly minPeriodDays: number };
  /** Rate limits on questions and casus creation, per person and per organisation (defaults for parts the file leaves out). */
  readonly rateLimits: RateLimits;
  readonly organisations: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly partners: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly organisation: string;
    readonly categories: readonly SignalCategory[];
    /** The partner's contact point for the casusoverleg: a functional team address, never a person's (docs/casusoverleg.md). */
    readonly contact?: { readonly team: string; readonly email: string };
  }>;
  /** Roles, what they may do, and the doelen they may act under (the key custodian and the web check these). */
  readonly roles: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly capabilities: readonly Capability[];
    readonly doelen: readonly string[];
    /** The partner the role works for, where its organisation holds several (partnersOfPerson). */
    readonly partner?: string;
  }>;
  readonly doelen: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  /** The register of verwerkingsactiviteiten (AVG art. 30); each logged action belongs to one. */
  readonly verwerkingsactiviteiten: ReadonlyArray<Verwerkingsactiviteit>;
  /** The joint-controller arrangement (AVG art. 26). */
  readonly jointControllers?: { readonly controllers: readonly string[]; readonly contactPoint: string; readonly arrangement: string; readonly document?: string };
  /** Where the register is published; activity URIs are built on it (activity-uri.ts). */
  readonly verwerkingsregisterUri?: string;
}

/** One verwerkingsactiviteit with the contents AVG art. 30(1) asks for. */
export interface Verwerkingsactiviteit {
  readonly id: string;
  readonly name: string;
  readonly actions: readonly LogAction[];
  readonly purpose?: string;
  readonly categoriesOfSubjects?: readonly string[];
  readonly categoriesOfData?: readonly string[];
  readonly recipients?: readonly string[];
  readonly retention?: string;
  readonly grondslag?: string;
}

/** Loads and checks a platform file; throws naming the file and the fields. */
export function loadPlatform(file: string, schemas: SchemaRegistry): Platform {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`platform file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const errors = schemas.validate('platform', data);
  if (errors.length > 0) {
    throw new Error(`platform file ${file} is invalid: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`);
  }
  const p = data as Omit<Platform, 'policyFile'> & { policy: string };
  const problems: string[] = [];
  const orgIds = new Set(p.organisations.map((o) => o.id));
  for (const kind of ['organisations', 'partners', 'roles', 'doelen', 'aanmeldcriteria'] as const) {
    const ids = p[kind].map((x) => x.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) problems.push(`${kind}: duplicate id ${dup}`);
  }
  for (const partner of p.partners) {
    if (!orgIds.has(partner.organisation)) problems.push(`partner ${partner.id}: unknown organisation ${partner.organisation}`);
  }
  const doelIds = new Set(p.doelen.map((d) => d.id));
  const partnerIds = new Set(p.partners.map((x) => x.id));
  for (const role of p.roles) {
    for (const doel of role.doelen) if (!doelIds.has(doel)) problems.push(`role ${role.id}: unknown doel ${doel}`);
    if (role.partner !== undefined && !partnerIds.has(role.partner)) problems.push(`role ${role.id}: unknown partner ${role.partner}`);
  }
  if (p.doelgroep.minAge > p.doelgroep.maxAge) problems.push('doelgroep: minAge is above maxAge');
  for (const id of [...(p.jointControllers?.controllers ?? []), ...(p.jointControllers ? [p.jointControllers.contactPoint] : [])]) {
    if (!orgIds.has(id)) problems.push(`jointControllers: unknown organisation ${id}`);
  }
  for (const action of LOG_ACTIONS) {
    const owners = p.verwerkingsactiviteiten.filter((a) => a.actions.includes(action));
    if (owners.length !== 1) problems.push(`verwerkingsactiviteiten: action ${action} must belong to exactly one activity, not ${owners.length}`);
  }
  if (problems.length > 0) throw new Error(`platform file ${file} is inconsistent: ${problems.join('; ')}`);
  const { policy, rateLimits, ...rest } = p as typeof p & { rateLimits?: Partial<RateLimits> };
  return { ...rest, rateLimits: { ...DEFAULT_RATE_LIMITS, ...rateLimits }, policyFile: resolve(dirname(file), policy) };
}

/**
 * The partners a person works for: those of the person's organisation, narrowed to the role's own
 * partner where the platform names one. Need to know (AVG art. 5(1)(c)): a gemeente holds several
 * partners (leerplicht, jeugdteam, the jeugd-boa), and a leerplichtambtenaar sees leerplicht's
 * tasks and refs, not the jeugdteam's.
 */
export function partnersOfPerson(platform: Pick<Platform, 'partners' | 'roles'>, person: { readonly organisation: string; readonly role: string }): Platform['partners'] {
  const own = platform.partners.filter((p) => p.organisation === person.organisation);
  const rolePartner = platform.roles.find((r) => r.id === person.role)?.partner;
  return rolePartner === undefined ? own : own.filter((p) => p.id === rolePartner);
}

/**
 * The processing activity that a logged action belongs to, by id and by the URI that names it in
 * the platform's register of verwerkingsactiviteiten (AVG art. 30): the reference the Logboek
 * Dataverwerkingen field `dpl.core.processing_activity_id` asks for.
 */
export function activityOf(platform: Pick<Platform, 'id' | 'verwerkingsactiviteiten' | 'verwerkingsregisterUri'>, action: LogAction): { id: string; uri: string } {
  const id = platform.verwerkingsactiviteiten.find((a) => a.actions.includes(action))!.id;
  return { id, uri: activityUri(platform, id) };
}

/** Whether the platform gives `role` the capability. Unknown roles have none. */
export function roleHas(platform: Platform, role: string, capability: Capability): boolean {
  return platform.roles.some((r) => r.id === role && r.capabilities.includes(capability));
}

/** Whether a person in `role` may act under `doel` (platform definition: the role's doelen). */
export function roleMayUseDoel(platform: Platform, role: string, doel: string): boolean {
  return platform.roles.some((r) => r.id === role && r.doelen.includes(doel));
}

/** Whether granting `role` needs four eyes: it carries a privileged capability. */
export function isPrivilegedRole(platform: Platform, role: string): boolean {
  return platform.roles.some((r) => r.id === role && r.capabilities.some((c) => PRIVILEGED_CAPABILITIES.has(c)));
}
