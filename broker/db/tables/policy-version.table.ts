import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;

/** The stored lifecycle state; `scheduled`, `active` and `superseded` follow from `activated_at` and the clock. */
export type PolicyState = 'draft' | 'submitted' | 'approved' | 'rejected';

/**
 * A policy version: casbin model text plus its rules (rows in `policy_rules`), identified by
 * a content hash. Content (model, hash, rules, tests) changes only while the version is a
 * draft; the database refuses anything else (migration 0006).
 */
export interface PolicyVersionTable {
  id: Generated<number>;
  content_hash: string;
  model_text: string;
  source: Immutable<string>;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** When it becomes (or became) the active version; set once, on activation. */
  activated_at: Date | null;
  state: PolicyState;
  author_id: Immutable<string>;
  author_organisation: Immutable<string | null>;
  author_role: Immutable<string | null>;
  note: string;
  based_on: Immutable<number | null>;
  /** The version's decision-table tests (PolicyTest[]), stored as JSON. */
  tests: ColumnType<unknown, string, string>;
  updated_at: Date;
  submitted_at: Date | null;
  reviewer_id: string | null;
  reviewer_organisation: string | null;
  reviewer_role: string | null;
  reviewed_at: Date | null;
  /** The impact preview the approval names (migration 0050); set with the status change to approved. */
  approval_preview_id: string | null;
  /** The preview's digest of newly allowed decisions, as the approver confirmed it; null when none were new. */
  confirmed_new_access: string | null;
}

/** One casbin policy line of a version (`p`, `g`, `g2` …), in order. */
export interface PolicyRuleTable {
  version_id: Immutable<number>;
  position: Immutable<number>;
  ptype: Immutable<string>;
  v0: Immutable<string | null>;
  v1: Immutable<string | null>;
  v2: Immutable<string | null>;
  v3: Immutable<string | null>;
  v4: Immutable<string | null>;
  v5: Immutable<string | null>;
  v6: Immutable<string | null>;
  v7: Immutable<string | null>;
}

/** An impact preview someone fetched; approval names one. Never changed or deleted (migration 0050). */
export interface PolicyPreviewTable {
  id: Immutable<string>;
  version_id: Immutable<number>;
  content_hash: Immutable<string>;
  person_id: Immutable<string>;
  days: Immutable<number>;
  replayed: Immutable<number>;
  newly_allowed: Immutable<number>;
  newly_denied: Immutable<number>;
  created_at: Immutable<Date>;
  /** Exact impact (migration 0050): the version compared with, null for "nothing allowed" (the first version). */
  against_version_id: Immutable<number | null>;
  against_hash: Immutable<string | null>;
  /** How many decisions become allowed, their keys (`role|doel|partner|category|action`, JSON array) and digest; null on older previews. */
  new_access_count: Immutable<number | null>;
  new_access: ColumnType<unknown, string | null, never>;
  new_access_digest: Immutable<string | null>;
  newly_denied_count: Immutable<number | null>;
}
