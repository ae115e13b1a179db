/**
 * The lifecycle's status rules as pure functions: what status a stored version has now,
 * and whether a person may take a step on it (docs/policies.md, "Who may do what").
 *
 * Invariants:
 * - Stored states only move draft → submitted → approved | rejected (the database refuses
 *   anything else, migration 0006); `scheduled`, `active` and `superseded` follow from
 *   `activated_at` and the clock: the active version is the activated one with the latest
 *   `activated_at <= now`.
 * - Only a draft's author edits or submits it; the approver is never the author (four eyes);
 *   only an approved, never activated version is activated; only a superseded version is
 *   rolled back to.
 * - A refusal names the error code the API answers with and says why, without free text
 *   of the version.
 */
import type { ErrorCode } from '../errors/app-error.js';
import type { PolicyStatus } from './policy-lifecycle-types.js';
import type { PolicyState } from '../db/tables/policy-version.table.js';

/** What the status rules need of a stored version. */
export interface VersionState {
  readonly id: number;
  readonly state: PolicyState;
  readonly authorId: string;
  readonly activatedAt: Date | null;
}

export type LifecycleStep = 'edit' | 'submit' | 'approve' | 'reject' | 'activate' | 'rollback';

export interface Refusal {
  readonly code: Extract<ErrorCode, 'conflict' | 'forbidden'>;
  readonly message: string;
}

/** The status of a version now; `activeId` is the version deciding queries now. */
export function statusOf(v: Pick<VersionState, 'id' | 'state' | 'activatedAt'>, activeId: number, now: Date): PolicyStatus {
  if (!v.activatedAt) return v.state;
  if (v.activatedAt.getTime() > now.getTime()) return 'scheduled';
  return v.id === activeId ? 'active' : 'superseded';
}

/** Why `personId` may not take `step` on the version now, or null when they may. */
export function refusalOf(step: LifecycleStep, v: VersionState, personId: string, activeId: number, now: Date): Refusal | null {
  const status = statusOf(v, activeId, now);
  const conflict = (what: string): Refusal => ({ code: 'conflict', message: `policy version ${v.id} is ${status}; ${what}` });
  switch (step) {
    case 'edit':
      if (v.state !== 'draft') return conflict('only a draft can be edited (copy it into a new draft)');
      if (v.authorId !== personId) return { code: 'forbidden', message: `only the author of draft ${v.id} may edit it; copy it into a draft of your own` };
      return null;
    case 'submit':
      if (v.state !== 'draft') return conflict('only a draft can be submitted');
      if (v.authorId !== personId) return { code: 'forbidden', message: `only the author of draft ${v.id} may submit it` };
      return null;
    case 'approve':
      if (v.state !== 'submitted') return conflict('only a submitted version can be approved');
      if (v.authorId === personId) return { code: 'forbidden', message: `four eyes: the author of version ${v.id} cannot approve it; another privacy officer must` };
      return null;
    case 'reject':
      return v.state === 'submitted' ? null : conflict('only a submitted version can be rejected');
    case 'activate':
      return v.state === 'approved' && !v.activatedAt ? null : conflict('only an approved version that was never activated can be activated');
    case 'rollback':
      return status === 'superseded' ? null : conflict('only a superseded version (one that was active before) can be rolled back to');
  }
}

/** A version id from a path segment: 1 … 2^31-1, digits only; anything else is "no such version". */
export function versionIdOf(segment: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(segment) || Number(segment) > 2147483647) return null;
  return Number(segment);
}

/** How long an impact preview stays good for an approval. */
export const PREVIEW_VALID_MS = 24 * 60 * 60 * 1000;

/** What approval needs of the impact preview it names. */
export interface PreviewFacts {
  readonly versionId: number;
  readonly contentHash: string;
  readonly personId: string;
  readonly createdAt: Date;
}

/** Why a preview cannot back this approval (a field error's detail for `/previewId`), or null. */
export function previewRefusal(
  preview: PreviewFacts | undefined,
  v: { readonly id: number; readonly contentHash: string },
  personId: string,
  now: Date,
): string | null {
  if (!preview) return 'is not an impact preview; fetch GET /v1/policies/{version}/impact first';
  if (preview.versionId !== v.id || preview.contentHash !== v.contentHash) return 'is a preview of other content than this version';
  if (preview.personId !== personId) return 'was fetched by someone else; the approver must see the preview';
  if (now.getTime() - preview.createdAt.getTime() > PREVIEW_VALID_MS) return 'is older than 24 hours; fetch the preview again';
  return null;
}

/**
 * Why a preview's exact impact cannot back an approval now (a field error's detail for
 * `/previewId`), or null: it must have one, computed against the version active now.
 */
export function exactRefusal(exact: { readonly againstVersionId: number | null } | null, activeId: number): string | null {
  if (!exact) return 'was fetched before the exact impact was computed; fetch the preview again';
  if (exact.againstVersionId !== activeId) {
    return `compares with version ${exact.againstVersionId ?? '(none)'}, but version ${activeId} is active now; fetch the preview again`;
  }
  return null;
}
