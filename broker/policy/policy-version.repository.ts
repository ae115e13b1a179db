/**
 * Stored policy versions, their rule rows and impact previews.
 *
 * Invariants:
 * - Every state change is a guarded UPDATE (`where state = <expected>`), so two officers
 *   acting at once cannot both move a version; the caller gets `undefined` and says 409.
 * - The database itself refuses content changes outside drafts, backwards steps and
 *   self-approval (migration 0006); these functions never try them.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { PolicyState } from '../db/tables/policy-version.table.js';
import type { PolicyLine, PolicyTest } from './policy-content.js';

export interface PersonRef {
  readonly id: string;
  readonly organisation: string | null;
  readonly role: string | null;
  /** The person's display name in the register; null for the system and for people not (or no longer) there. */
  readonly name?: string | null;
}

export interface StoredPolicyVersion {
  readonly id: number;
  readonly contentHash: string;
  readonly modelText: string;
  readonly source: string;
  readonly state: PolicyState;
  readonly author: PersonRef;
  readonly note: string;
  readonly basedOn: number | null;
  readonly tests: PolicyTest[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly submittedAt: Date | null;
  readonly reviewer: PersonRef | null;
  readonly reviewedAt: Date | null;
  readonly activatedAt: Date | null;
  readonly ruleCount: number;
  /** The impact preview the approval names (null before approval, and for approvals before migration 0050). */
  readonly approvalPreviewId: string | null;
  readonly confirmedNewAccess: string | null;
}

const COLUMNS = [
  'id', 'content_hash', 'model_text', 'source', 'state', 'author_id', 'author_organisation', 'author_role', 'note', 'based_on',
  'tests', 'created_at', 'updated_at', 'submitted_at', 'reviewer_id', 'reviewer_organisation', 'reviewer_role', 'reviewed_at', 'activated_at',
  'approval_preview_id', 'confirmed_new_access',
] as const;

type Row = {
  id: number; content_hash: string; model_text: string; source: string; state: PolicyState; author_id: string;
  author_organisation: string | null; author_role: string | null; note: string; based_on: number | null; tests: unknown;
  created_at: Date; updated_at: Date; submitted_at: Date | null; reviewer_id: string | null; reviewer_organisation: string | null;
  reviewer_role: string | null; reviewed_at: Date | null; activated_at: Date | null; rule_count: number;
  approval_preview_id: string | null; confirmed_new_access: string | null; author_name: string | null; reviewer_name: string | null;
};

const toVersion = (r: Row): StoredPolicyVersion => ({
  id: r.id,
  contentHash: r.content_hash,
  modelText: r.model_text,
  source: r.source,
  state: r.state,
  author: { id: r.author_id, organisation: r.author_organisation, role: r.author_role, name: r.author_name },
  note: r.note,
  basedOn: r.based_on,
  tests: (typeof r.tests === 'string' ? JSON.parse(r.tests) : r.tests) as PolicyTest[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  submittedAt: r.submitted_at,
  reviewer: r.reviewer_id ? { id: r.reviewer_id, organisation: r.reviewer_organisation, role: r.reviewer_role, name: r.reviewer_name } : null,
  reviewedAt: r.reviewed_at,
  activatedAt: r.activated_at,
  ruleCount: Number(r.rule_count),
  approvalPreviewId: r.approval_preview_id,
  confirmedNewAccess: r.confirmed_new_access,
});

function selectVersions(ex: Executor) {
  return ex
    .selectFrom('policy_versions')
    .select(COLUMNS)
    .select((eb) =>
      eb
        .selectFrom('policy_rules')
        .whereRef('policy_rules.version_id', '=', 'policy_versions.id')
        .where('policy_rules.ptype', '=', 'p')
        .select(eb.fn.countAll<number>().as('n'))
        .as('rule_count'),
    )
    .select((eb) => eb.selectFrom('people').whereRef('people.id', '=', 'policy_versions.author_id').select('display_name').as('author_name'))
    .select((eb) => eb.selectFrom('people').whereRef('people.id', '=', 'policy_versions.reviewer_id').select('display_name').as('reviewer_name'));
}

export async function findVersion(ex: Executor, id: number): Promise<StoredPolicyVersion | undefined> {
  const row = await selectVersions(ex).where('id', '=', id).executeTakeFirst();
  return row && toVersion(row as Row);
}

/** Locks a version's row for the rest of the transaction (edits and state changes). */
export async function lockVersion(ex: Executor, id: number): Promise<void> {
  await ex.selectFrom('policy_versions').select('id').where('id', '=', id).forUpdate().execute();
}

export async function listVersions(ex: Executor, state?: PolicyState): Promise<StoredPolicyVersion[]> {
  let q = selectVersions(ex).orderBy('id', 'desc');
  if (state) q = q.where('state', '=', state);
  return (await q.execute()).map((r) => toVersion(r as Row));
}

/** Every activated version (scheduled ones included), oldest activation first. */
export async function activatedVersions(ex: Executor): Promise<Array<{ id: number; contentHash: string; modelText: string; activatedAt: Date }>> {
  const rows = await ex
    .selectFrom('policy_versions')
    .select(['id', 'content_hash', 'model_text', 'activated_at'])
    .where('activated_at', 'is not', null)
    .orderBy('activated_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, contentHash: r.content_hash, modelText: r.model_text, activatedAt: r.activated_at! }));
}

/** The policy lines of a version, in order. */
export async function readLines(ex: Executor, versionId: number): Promise<PolicyLine[]> {
  const rows = await ex.selectFrom('policy_rules').selectAll().where('version_id', '=', versionId).orderBy('position').execute();
  return rows.map((r) => {
    const values = [r.v0, r.v1, r.v2, r.v3, r.v4, r.v5, r.v6, r.v7];
    while (values.length > 0 && values[values.length - 1] === null) values.pop();
    return { ptype: r.ptype, values: values.map((v) => v ?? '') };
  });
}

/** Replaces a draft's lines (the database refuses this for any other state). */
export async function replaceLines(ex: Executor, versionId: number, lines: readonly PolicyLine[]): Promise<void> {
  await ex.deleteFrom('policy_rules').where('version_id', '=', versionId).execute();
  if (lines.length === 0) return;
  await ex
    .insertInto('policy_rules')
    .values(
      lines.map((l, position) => {
        const v = (i: number): string | null => (i < l.values.length ? l.values[i]! : null);
        return { version_id: versionId, position, ptype: l.ptype, v0: v(0), v1: v(1), v2: v(2), v3: v(3), v4: v(4), v5: v(5), v6: v(6), v7: v(7) };
      }),
    )
    .execute();
}

/** Stores a new draft with its lines. */
export async function insertDraft(
  ex: Executor,
  d: { contentHash: string; modelText: string; source: string; author: PersonRef; note: string; basedOn: number | null; tests: readonly PolicyTest[]; lines: readonly PolicyLine[]; at: Date },
): Promise<number> {
  const row = await ex
    .insertInto('policy_versions')
    .values({
      content_hash: d.contentHash,
      model_text: d.modelText,
      source: d.source,
      created_at: d.at,
      updated_at: d.at,
      activated_at: null,
      state: 'draft',
      author_id: d.author.id,
      author_organisation: d.author.organisation,
      author_role: d.author.role,
      note: d.note,
      based_on: d.basedOn,
      tests: JSON.stringify(d.tests),
      submitted_at: null,
      reviewer_id: null,
      reviewer_organisation: null,
      reviewer_role: null,
      reviewed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceLines(ex, row.id, d.lines);
  return row.id;
}

/** Updates a draft's content; false when it is no longer a draft. */
export async function updateDraft(
  ex: Executor,
  id: number,
  d: { contentHash: string; tests?: readonly PolicyTest[]; note?: string; at: Date },
): Promise<boolean> {
  const r = await ex
    .updateTable('policy_versions')
    .set({
      content_hash: d.contentHash,
      updated_at: d.at,
      ...(d.tests ? { tests: JSON.stringify(d.tests) } : {}),
      ...(d.note !== undefined ? { note: d.note } : {}),
    })
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markSubmitted(ex: Executor, id: number, at: Date, note?: string): Promise<boolean> {
  const r = await ex
    .updateTable('policy_versions')
    .set({ state: 'submitted', submitted_at: at, updated_at: at, ...(note !== undefined ? { note } : {}) })
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Moves a submitted version to approved or rejected. An approval names its impact preview and,
 * when that showed newly allowed decisions, the confirmed digest (the database checks both).
 */
export async function markReviewed(
  ex: Executor,
  id: number,
  d: { state: 'approved' | 'rejected'; reviewer: PersonRef; at: Date; approvalPreviewId?: string; confirmedNewAccess?: string | null },
): Promise<boolean> {
  const r = await ex
    .updateTable('policy_versions')
    .set({
      state: d.state,
      ...(d.state === 'approved' ? { approval_preview_id: d.approvalPreviewId ?? null, confirmed_new_access: d.confirmedNewAccess ?? null } : {}),
      reviewer_id: d.reviewer.id,
      reviewer_organisation: d.reviewer.organisation,
      reviewer_role: d.reviewer.role,
      reviewed_at: d.at,
      updated_at: d.at,
    })
    .where('id', '=', id)
    .where('state', '=', 'submitted')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markActivated(ex: Executor, id: number, activeFrom: Date, at: Date): Promise<boolean> {
  const r = await ex
    .updateTable('policy_versions')
    .set({ activated_at: activeFrom, updated_at: at })
    .where('id', '=', id)
    .where('state', '=', 'approved')
    .where('activated_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The exact impact a preview recorded (migration 0050). */
export interface PreviewExact {
  /** The version compared with; null: a policy that allows nothing (the platform's first version). */
  readonly againstVersionId: number | null;
  readonly againstHash: string | null;
  /** Keys (`role|doel|partner|category|action`) of the newly allowed decisions. */
  readonly newAccess: readonly string[];
  readonly newAccessDigest: string;
  readonly newlyDenied: number;
}

export interface StoredPreview {
  readonly id: string;
  readonly versionId: number;
  readonly contentHash: string;
  readonly personId: string;
  /** Replayed logged decisions that would newly be allowed. */
  readonly newlyAllowed: number;
  readonly createdAt: Date;
  /** Null on previews fetched before exact impact existed. */
  readonly exact: PreviewExact | null;
}

export async function insertPreview(
  ex: Executor,
  p: StoredPreview & { days: number; replayed: number; newlyDenied: number; exact: PreviewExact },
): Promise<void> {
  await ex
    .insertInto('policy_previews')
    .values({
      id: p.id,
      version_id: p.versionId,
      content_hash: p.contentHash,
      person_id: p.personId,
      days: p.days,
      replayed: p.replayed,
      newly_allowed: p.newlyAllowed,
      newly_denied: p.newlyDenied,
      created_at: p.createdAt,
      against_version_id: p.exact.againstVersionId,
      against_hash: p.exact.againstHash,
      new_access_count: p.exact.newAccess.length,
      new_access: JSON.stringify(p.exact.newAccess),
      new_access_digest: p.exact.newAccessDigest,
      newly_denied_count: p.exact.newlyDenied,
    })
    .execute();
}

export async function findPreview(ex: Executor, id: string): Promise<StoredPreview | undefined> {
  const r = await ex.selectFrom('policy_previews').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  const keys = (typeof r.new_access === 'string' ? JSON.parse(r.new_access) : r.new_access) as string[] | null;
  return {
    id: r.id,
    versionId: r.version_id,
    contentHash: r.content_hash,
    personId: r.person_id,
    newlyAllowed: r.newly_allowed,
    createdAt: r.created_at,
    exact:
      r.new_access_count === null || keys === null
        ? null
        : { againstVersionId: r.against_version_id, againstHash: r.against_hash, newAccess: keys, newAccessDigest: r.new_access_digest!, newlyDenied: r.newly_denied_count ?? 0 },
  };
}

/** Replaces a version's note (the one field that may change after submission: a rejection's reason). */
export async function updateNote(ex: Executor, id: number, note: string): Promise<void> {
  await ex.updateTable('policy_versions').set({ note }).where('id', '=', id).execute();
}

/** Sends a notification on `channel`, delivered to every listener when the transaction commits. */
export async function notifyActivation(ex: Executor, channel: string, versionId: number): Promise<void> {
  await sql`select pg_notify(${channel}, ${String(versionId)})`.execute(ex);
}

const SEED_LOCK = 0x6a7070; // "jpp": pg_advisory_xact_lock key for seeding

/** Serialises the seeding of the first policy version across processes (transaction-scoped advisory lock). */
export async function lockSeeding(ex: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(ex);
}
