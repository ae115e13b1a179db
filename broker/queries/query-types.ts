/**
 * The question's types: what a voorzitter asks, what each partner answers, and the service that
 * answers (POST /v1/queries, docs/api.md). Shared by the route, the web's screening and the service.
 */
import type { Principal } from '../auth/principal.js';
import type { RuleRef } from '../policy/decision-table.js';

export interface QueryRequest {
  /** One pseudonym, or one per active key epoch during a rotation's overlap window. */
  subject: string | string[];
  doel: string;
  /** The casus, by the ZVH's reference or by the broker's id (exactly one of the two). */
  caseRef?: string;
  caseId?: string;
  consent: boolean;
  /** The consent record the question relies on (a record of this subject in this casus). */
  consentId?: string;
}

export type Outcome = 'hit' | 'no-hit' | 'not-permitted';

export interface QueryAnswer {
  partner: string;
  answer: Outcome;
  basis: RuleRef[];
}

export interface QueryResponse {
  queryId: string;
  doel: string;
  caseRef: string;
  caseId: string;
  /** Which subject of the casus the question named (in a group casus: which youth was screened). */
  subjectId: string;
  policyVersion: number;
  answers: QueryAnswer[];
}

export interface QueryService {
  ask(principal: Principal, body: unknown, traceId: string): Promise<QueryResponse>;
}
