/**
 * The question's one statement (migrations 0210 and 0220, issue 21) on the suite's engine:
 * - the entry's text (issue 21 step B, migration 0220): what `jpp_question_entry` makes of the
 *   texts Node built with placeholders (the entry's and each answer's) is, byte for byte,
 *   `canonicalJson` of the real entry with every answer (a property test over arbitrary values);
 * - the access gate's register conditions, written twice (`findConfirmation` and
 *   `jpp_person_confirmed`): the same table of register states through both, against the
 *   expected answer;
 * - a refusal is its own SQLSTATE, and leaves nothing behind;
 * - the functions are planned once per connection (migration 0250): PL/pgSQL, and `jpp_ask`'s
 *   statements on generic plans.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { canonicalJson, toLogContent, type LogEntryInput } from '../../broker/logboek/log-entry.js';
import { answerTemplate, checkAnswer, checkEntry, withPlaceholders } from '../../broker/queries/question-entry-fns.js';
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

describe('the entry of the one statement', () => {
  // Categories and partners are identifiers of the platform's closed lists.
  const category = fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/);
  const partner = fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/);
  // Any text a casus reference can hold in PostgreSQL (no NUL), astral characters and escapes included.
  const caseRef = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000'));
  // A grondslag is prose: quotes, backslashes and any other character but U+0001 (checkAnswer refuses it).
  const grondslag = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !s.includes('\u0000') && !s.includes('\u0001'));
  const rule = fc.record({ rule: fc.stringMatching(/^[A-Z][0-9]{2}$/), effect: fc.constantFrom('allow', 'deny'), grondslag });
  const answer = fc.record({ outcome: fc.constantFrom('hit', 'no-hit', 'not-permitted'), found: fc.array(category, { maxLength: 4 }), rules: fc.array(rule, { maxLength: 2 }) });

  it('fills the placeholders in to exactly the canonical JSON of the real entry, every answer in it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(partner, { minLength: 1, maxLength: 9 }), fc.array(answer, { minLength: 9, maxLength: 9 }), caseRef, fc.uuid(), fc.boolean(), fc.boolean(),
        fc.option(fc.uuid(), { nil: undefined }), fc.nat(2),
        async (partners, drawn, ref, caseId, blocked, consent, consentId, aliases) => {
          // What the lookup found: for a hit at least one category, for the others none (the statement's rule).
          const answers = partners.map((p, i) => {
            const a = drawn[i]!;
            return { partner: p, outcome: a.outcome, rules: a.rules, found: a.outcome === 'hit' ? (a.found.length > 0 ? a.found : ['x']) : [] };
          });
          const base = {
            action: 'question',
            outcome: 'answered',
            actor: { kind: 'person', id: 'p-1', organisation: 'politie', role: 'voorzitter' },
            traceId: randomBytes(16).toString('hex'),
            startedAt: new Date(Date.UTC(2026, 11, 5, 4, 0, 0, 123)),
            endedAt: new Date(Date.UTC(2026, 11, 5, 4, 0, 1, 456)),
            subjectHash: randomBytes(32),
            alsoSubjectHashes: Array.from({ length: aliases }, () => randomBytes(32)),
            doel: 'jpp-screening',
            queryId: randomUUID(),
            policy: { version: 3, hash: 'sha256:abc' },
          } as const;
          const real = toLogContent({
            ...base, caseRef: ref,
            details: {
              consent, ...(consentId ? { consentId } : {}), caseId, ...(blocked ? { bezwaarBlock: true as const } : {}),
              answers: answers.map((a) => ({ partner: a.partner, outcome: a.outcome, rules: a.rules, categoriesCounted: [...new Set(a.found)].sort() })),
            },
          } as LogEntryInput, ACTIVITY);
          // What Node builds before the statement (query.service.ts): a no-hit's values, then the placeholders.
          const drafts = answers.map((a) => ({ partner: a.partner, outcome: a.outcome === 'not-permitted' ? 'not-permitted' as const : 'no-hit' as const, rules: a.rules, categoriesCounted: [] }));
          const checked = {
            ...real,
            caseRef: '',
            details: { consent, ...(consentId ? { consentId } : {}), caseId: NIL_UUID, answers: drafts, ...(real.details['alsoSubjects'] ? { alsoSubjects: real.details['alsoSubjects'] } : {}) },
          };
          const entry = canonicalJson(withPlaceholders(checked));
          checkEntry(entry);
          const texts = drafts.map((d) => answerTemplate(d));
          texts.forEach((t, i) => checkAnswer(t, drafts[i]!.outcome !== 'not-permitted'));
          // As jpp_ask calls it: the lookup's (partner, category) pairs unsorted and repeated.
          const pairs = answers.flatMap((a) => [...a.found].reverse().concat(a.found).map((c) => [a.partner, c] as const));
          const { rows } = await sql<{ text: string }>`select jpp_question_entry(${entry}, ${sql.val(texts)}::text[], ${sql.val(partners)}::text[],
            ${sql.val(answers.map((a) => a.outcome))}::text[], ${sql.val(pairs.map((p) => p[0]))}::text[], ${sql.val(pairs.map((p) => p[1]))}::text[],
            ${ref}, ${caseId}::uuid, ${blocked}) as text`.execute(db);
          expect(rows[0]!.text).toBe(canonicalJson(real));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a template whose placeholder is missing or repeated, and a value holding U+0001', () => {
    const content = toLogContent({
      action: 'question', outcome: 'answered', actor: { kind: 'system', id: 'system:t' }, traceId: 't', startedAt: new Date(0), endedAt: new Date(0),
      caseRef: 'c', details: { consent: false, caseId: NIL_UUID, answers: [] },
    } as LogEntryInput, ACTIVITY);
    const good = canonicalJson(withPlaceholders(content));
    expect(() => checkEntry(good)).not.toThrow();
    expect(() => checkEntry(canonicalJson(content))).toThrow(/not found/);
    expect(() => checkEntry(canonicalJson(withPlaceholders({ ...content, doel: '\u0001caseId' })))).toThrow(/repeated/);
    expect(() => checkEntry(canonicalJson(withPlaceholders({ ...content, doel: '\u0001x' })))).toThrow(/U\+0001/);
    const permitted = { partner: 'politie', outcome: 'no-hit' as const, rules: [{ rule: 'S01', effect: 'allow' as const, grondslag: 'Wpg art. 20' }], categoriesCounted: [] };
    expect(() => checkAnswer(answerTemplate(permitted), true)).not.toThrow();
    expect(() => checkAnswer(answerTemplate(permitted), false)).toThrow(/repeated/);
    expect(() => checkAnswer(answerTemplate({ ...permitted, outcome: 'not-permitted' }), false)).not.toThrow();
    expect(() => checkAnswer(answerTemplate({ ...permitted, outcome: 'not-permitted' }), true)).toThrow(/not found/);
    expect(() => checkAnswer(answerTemplate({ ...permitted, rules: [{ ...permitted.rules[0]!, grondslag: '\u0001outcome' }] }), true)).toThrow(/repeated/);
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
    entry: { row: { content: '' } as never, answers: [] },
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
    // The casus is read by id or by reference, one statement each (migration 0250): both refuse alike.
    const byId = await ask(db, question({ person: { id: person, organisation: person, role: 'gate-r' }, casus: { id: randomUUID() } })).catch((e: unknown) => e);
    expect((byId as QuestionRefused).kind).toBe('no-casus');
    expect({ queries: await count('queries'), log: await count('logboek_entries') }).toEqual(before);
  });

  it('passes any other failure on as it came', async () => {
    await expect(ask(db, question({ casus: { id: 'not-a-uuid' } }))).rejects.not.toBeInstanceOf(QuestionRefused);
  });
});

describe("the question's plans (migration 0250)", () => {
  it('are made once per connection: PL/pgSQL functions, and jpp_ask on generic plans', async () => {
    const { rows } = await sql<{ name: string; language: string; config: string[] | null }>`
      select p.proname as name, l.lanname as language, p.proconfig as config
        from pg_proc p join pg_language l on l.oid = p.prolang
       where p.proname in ('jpp_ask', 'jpp_question_entry', 'jpp_person_confirmed') order by p.proname`.execute(db);
    // An SQL function whose body holds a subquery is parsed and planned on every call (PostgreSQL < 18);
    // a PL/pgSQL function prepares its statements once; the setting keeps them from being planned per call.
    expect(rows).toEqual([
      { name: 'jpp_ask', language: 'plpgsql', config: ['plan_cache_mode=force_generic_plan'] },
      { name: 'jpp_person_confirmed', language: 'plpgsql', config: null },
      { name: 'jpp_question_entry', language: 'plpgsql', config: null },
    ]);
  });
});
