/**
 * The services of other modules that the web pages use, as the pages need them: the policy
 * lifecycle (docs/policies.md), the casus workflow, data-subject rights, retention and
 * monitoring (docs/casus.md). Their signatures are those of the services (principal first, bodies as
 * the API takes them, results as the API returns them), so the composition root passes the
 * services themselves. Every port is a `Pick<>` of a service's own type, so a page cannot
 * drift from the service it calls (issue 22 item 3).
 */
import type { PolicyLifecycleService } from '../policy/policy-lifecycle.service.js';
import type { CasusService, CasusView, NotificationView } from '../casus/casus.service.js';
import type { MonitoringReport, MonitoringService } from '../monitoring/monitoring.service.js';
import type { BezwaarView, HoldView, InzageReport, RightsService } from '../rights/rights.service.js';
import type { RetentionRun, RetentionService } from '../retention/retention.service.js';
import type { CasusoverlegService } from '../casusoverleg/casusoverleg.service.js';

/** The policy lifecycle (docs/policies.md), as the policy pages use it: the service's own types. */
export type PolicyPort = Pick<
  PolicyLifecycleService,
  'list' | 'get' | 'create' | 'putRules' | 'putTests' | 'lint' | 'test' | 'diff' | 'impact' | 'submit' | 'approve' | 'reject' | 'activate' | 'rollback' | 'simulate'
>;

export type NotificationStateView = NotificationView;

export type CasusDetail = CasusView;

/** The casus workflow (docs/casus.md), as the casus pages use it: the services' own types. */
export type CasusPort = Pick<
  CasusService,
  'create' | 'list' | 'get' | 'transition' | 'addVervolgactie' | 'completeVervolgactie' | 'setNotification' | 'recordConsent' | 'withdrawConsent' | 'overdue' | 'setRegiehouder' | 'overdueVervolgacties'
>;

export type InzageView = InzageReport;

export type BezwaarItem = BezwaarView;

export type LegalHoldItem = HoldView;

/** Data-subject rights (issues 7 and 19): inzage, bezwaar, legal holds and the register of verzoeken, as the rights service offers them. */
export type RightsPort = Pick<
  RightsService,
  | 'inzage' | 'decideBezwaar' | 'liftBezwaar' | 'listBezwaren' | 'placeHold' | 'listHolds' | 'releaseHold'
  | 'registerVerzoek' | 'listVerzoeken' | 'overdueVerzoeken' | 'getVerzoek' | 'extendVerzoek' | 'answerVerzoek'
  | 'forwardVerzoek' | 'takenOfVerzoek' | 'organisationTaken'
>;

export type RetentionRunView = RetentionRun;

/** Retention (issue 7): past runs with their logboek records, and a run on a person's request. */
export type RetentionPort = Pick<RetentionService, 'runFor' | 'list'>;

export type MonitoringView = MonitoringReport;

/** Monitoring for the partneroverleg (docs/casus.md): the service's own type. */
export type MonitoringPort = Pick<MonitoringService, 'report' | 'trend'>;

/** The casusoverleg (docs/casusoverleg.md): the voorzitter's meetings and agenda, a partner's invitations. */
export type CasusoverlegPort = Pick<CasusoverlegService, 'planMeeting' | 'listMeetings' | 'getMeeting' | 'addToAgenda' | 'invitePartner' | 'partnerOverview'>;
