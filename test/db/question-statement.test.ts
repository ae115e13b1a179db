/**
 * The question's one statement (migration 0210, issue 21) on the suite's engine:
 * - the entries' text: what `jpp_ask_entry` makes of the text Node built with placeholders is,
 *   byte for byte, `canonicalJson` of the real entry (a property test over arbitrary values);
 * - the access gate's register conditions, written twice (`findConfirmation` and
 *   `jpp_person_confirmed`): the same table of register states through both, against the
 *   expected answer;
 * - a refusal is its own SQLSTATE, and leaves nothing behind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { canonicalJson, toLogContent, type LogEntryInput } from '../../broker/logboek/log-entry.js';
import { checkTemplate, withPlaceholders } from '../../broker/queries/question-entry-fns.js';
import { findConfirmation } from '../../broker/register/person.repository.js';
import { ask, QuestionRefused, type Question } from '../../broker/queries/query.repository.js';
import { openEngineDatabase } from '../support/test-database.js';

let db: Kysely<Database>;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await openEngineDatabase('jpp_question'));
  await migrateToLatest(db);
}, 120_000);
afterAll(async () => close?.());

const ACTIVITY = { id: 'jpp-bevraging', uri: 'urn:jpp-broker:test:verwerkingsactiviteit:jpp-bevraging' };
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

describe('the entries of the one statement', () => {
  // Categories are identifiers of the platform's closed list (schemas/signal-category.schema.json).
  const category = fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/);
  // Any text a casus reference can hold in PostgreSQL (no NUL), astral characters and escapes included.
  const caseRef = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000'));
  const answer = fc.constantFrom('hit', 'no-hit', 'not-permitted');

  it('fills the placeholders in to exactly the canonical JSON of the real entry', async () => {
    await fc.assert(
      fc.asyncProperty(
        answer, fc.array(category, { maxLength: 6 }), caseRef, fc.uuid(), fc.boolean(), fc.boolean(), fc.option(fc.uuid(), { nil: undefined }), fc.nat(2),
        async (outcome, found, ref, caseId, blocked, consent, consentId, aliases) => {
          const counted = outcome === 'hit' ? (found.length > 0 ? found : ['x']) : [];
          const base = {
            action: 'disclosure',
            actor: { kind: 'person', id: 'p-1', organisation: 'politie', role: 'voorzitter' },
            traceId: randomBytes(16).toString('hex'),
            startedAt: new Date(Date.UTC(2026, 11, 5, 4, 0, 0, 123)),
            endedAt: new Date(Date.UTC(2026, 11, 5, 4, 0, 1, 456)),
            subjectHash: randomBytes(32),
            alsoSubjectHashes: Array.from({ length: aliases }, () => randomBytes(32)),
            doel: 'jpp-screening',
            partner: 'politie',
            queryId: randomUUID(),
            rules: [{ rule: 'S01', effect: 'allow', grondslag: 'Wpg art. 20 "x" \\ y' }],
            policy: { version: 3, hash: 'sha256:abc' },
          } as const;
          const real = toLogContent({
            ...base, outcome, caseRef: ref,
            details: { consent, ...(consentId ? { consentId } : {}), categoriesCounted: [...new Set(counted)].sort(), caseId, ...(blocked ? { bezwaarBlock: true as const } : {}) },
          } as LogEntryInput, ACTIVITY);
          // What Node builds before the statement (query.service.ts): a no-hit's values, then the placeholders.
          const fromLookup = outcome !== 'not-permitted';
          const checked = {
            ...real,
            outcome: fromLookup ? 'no-hit' : 'not-permitted',
            caseRef: '',
            details: { consent, ...(consentId ? { consentId } : {}), categoriesCounted: [], caseId: NIL_UUID, ...(real.details['alsoSubjects'] ? { alsoSubjects: real.details['alsoSubjects'] } : {}) },
          };
          const template = canonicalJson(withPlaceholders(checked, fromLookup));
          checkTemplate(template, fromLookup);
          // As jpp_ask calls it: the lookup's categories unsorted and repeated, the outcome null where not known.
          const { rows } = await sql<{ text: string }>`select jpp_ask_entry(${template}, ${outcome}, ${sql.val([...counted].reverse().concat(counted))}::text[], ${ref}, ${caseId}::uuid, ${blocked}) as text`.execute(db);
          expect(rows[0]!.text).toBe(canonicalJson(real));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a template whose placeholder is missing or repeated, and a value holding U+0001', () => {
    const content = toLogContent({
      action: 'disclosure', outcome: 'no-hit', actor: { kind: 'system', id: 'system:t' }, traceId: 't', startedAt: new Date(0), endedAt: new Date(0),
      caseRef: 'c', details: { consent: false, categoriesCounted: [], caseId: NIL_UUID },
    } as LogEntryInput, ACTIVITY);
    const good = canonicalJson(withPlaceholders(content, true));
    expect(() => checkTemplate(good, true)).not.toThrow();
    expect(() => checkTemplate(good, false)).toThrow(/repeated/);
    expect(() => checkTemplate(canonicalJson(content), true)).toThrow(/not found/);
    expect(() => checkTemplate(canonicalJson(withPlaceholders({ ...content, doel: '\u0001caseId' }, true)), true)).toThrow(/repeated/);
    expect(() => checkTemplate(canonicalJson(withPlaceholders({ ...content, doel: '\u0001x' }, true)), true)).toThrow(/U\+0001/);
  });
});

describe("the access gate's register conditions, in TypeScript and in the statement", () => {
  const now = new Date(Date.UTC(2026, 5, 1, 12));
  const at = (ms: number) => new Date(now.getTime() + ms);
  const DAY = 86_400_000;
  interface Case {
    person?: { active?: boolean; validFrom?: Date; validUntil?: Date | null };
    organisationActive?: boolean;
    grant?: { approved?: boolean; revoked?: boolean; validFrom?: Date; validUntil?: Date | null } | null;
    ask?: { person?: 'other'; organisation?: 'other'; role?: 'other' };
    confirmed: boolean;
  }
  const CASES: Record<string, Case> = {
    'active, granted, approved, within validity': { confirmed: true },
    'person deactivated': { person: { active: false }, confirmed: false },
    'person valid from a moment later': { person: { validFrom: at(1) }, confirmed: false },
    'person valid from this moment': { person: { validFrom: now }, confirmed: true },
    'person valid until this moment': { person: { validUntil: now }, confirmed: false },
    'person valid until a moment later': { person: { validUntil: at(1) }, confirmed: true },
    'organisation inactive': { organisationActive: false, confirmed: false },
    'another organisation in the token': { ask: { organisation: 'other' }, confirmed: false },
    'another role in the token': { ask: { role: 'other' }, confirmed: false },
    'no grant at all': { grant: null, confirmed: false },
    'grant not approved': { grant: { approved: false }, confirmed: false },
    'grant revoked': { grant: { revoked: true }, confirmed: false },
    'grant valid from a moment later': { grant: { validFrom: at(1) }, confirmed: false },
    'grant valid until this moment': { grant: { validUntil: now }, confirmed: false },
    'grant valid until tomorrow': { grant: { validUntil: at(DAY) }, confirmed: true },
    'unknown person': { ask: { person: 'other' }, confirmed: false },
  };

  beforeAll(async () => {
    await db.insertInto('roles').values([{ id: 'gate-r', name: 'r' }, { id: 'gate-r2', name: 'r2' }] as never).execute();
    await db.insertInto('organisations').values([{ id: 'gate-other', name: 'other' }] as never).execute();
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const id = `gate-${randomBytes(4).toString('hex')}`;
    await db.insertInto('organisations').values({ id, name, active: c.organisationActive ?? true } as never).execute();
    await db.insertInto('people').values({
      id, display_name: name, organisation_id: id, active: c.person?.active ?? true, valid_from: c.person?.validFrom ?? at(-DAY), valid_until: c.person?.validUntil ?? null,
    } as never).execute();
    if (c.grant !== null) {
      const g = c.grant ?? {};
      await db.insertInto('person_roles').values({
        person_id: id, role_id: 'gate-r', granted_by: 'system:test', granted_at: at(-DAY), valid_from: g.validFrom ?? at(-DAY), valid_until: g.validUntil ?? null,
        approved_at: g.approved === false ? null : at(-DAY), approved_by: g.approved === false ? null : 'system:test',
        revoked_at: g.revoked ? at(-1000) : null, revoked_by: g.revoked ? 'system:test' : null,
      } as never).execute();
    }
    const asked = {
      personId: c.ask?.person ? `${id}-other` : id,
      organisationId: c.ask?.organisation ? 'gate-other' : id,
      roleId: c.ask?.role ? 'gate-r2' : 'gate-r',
      now,
    };
    const byGate = (await findConfirmation(db, asked)) !== undefined;
    const { rows } = await sql<{ ok: boolean }>`select jpp_person_confirmed(${asked.personId}, ${asked.organisationId}, ${asked.roleId}, ${now}) as ok`.execute(db);
    expect({ byGate, byStatement: rows[0]!.ok }).toEqual({ byGate: c.confirmed, byStatement: c.confirmed });
  });
});

describe('a refusal of the statement', () => {
  const question = (over: Partial<Question>): Question => ({
    person: { id: 'nobody', organisation: 'gate-other', role: 'gate-r' },
    now: new Date(),
    casus: { caseRef: 'no-such-casus' },
    hashes: [randomBytes(32)],
    doel: 'jpp-screening',
    queryable: ['aangemeld'],
    queryId: randomUUID(),
    consentInForce: false,
    policyVersion: 1,
    traceId: 't',
    pairs: [['politie', 'x']],
    limits: [],
    minute: new Date(),
    since: new Date(),
    shard: 0,
    entries: [],
    alsoHashes: [],
    ...over,
  });
  const count = async (table: 'queries' | 'logboek_entries') => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);

  it('is a SQLSTATE of its own, mapped to its kind, and stores nothing', async () => {
    const before = { queries: await count('queries'), log: await count('logboek_entries') };
    await expect(ask(db, question({}))).rejects.toEqual(expect.objectContaining({ kind: 'not-confirmed' }));
    const person = `gate-${randomBytes(4).toString('hex')}`;
    await db.insertInto('organisations').values({ id: person, name: 'o' } as never).execute();
    await db.insertInto('people').values({ id: person, display_name: 'p', organisation_id: person, valid_from: new Date(0) } as never).execute();
    await db.insertInto('person_roles').values({ person_id: person, role_id: 'gate-r', granted_by: 'system:test', valid_from: new Date(0), approved_at: new Date(0), approved_by: 'system:test' } as never).execute();
    const refused = await ask(db, question({ person: { id: person, organisation: person, role: 'gate-r' } })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuestionRefused);
    expect((refused as QuestionRefused).kind).toBe('no-casus');
    expect({ queries: await count('queries'), log: await count('logboek_entries') }).toEqual(before);
  });

  it('passes any other failure on as it came', async () => {
    await expect(ask(db, question({ casus: { id: 'not-a-uuid' } }))).rejects.not.toBeInstanceOf(QuestionRefused);
  });
});
