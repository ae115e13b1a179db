/**
 * The seeded demo platform: demo people and synthetic youths with signals, so that a new
 * user can try the loop within a minute. The youths' identities are made up at random on
 * first start (demo-identities.ts) and pseudonymised through the OPRF (seed-demo.ts).
 */
import type { SignalCategory } from '../signals/signal-category.js';
import { loadDemoSubjects, type DemoSubject } from './demo-subjects.js';

export type { DemoSignal, DemoSubject } from './demo-subjects.js';

export interface DemoPerson {
  readonly id: string;
  readonly displayName: string;
  readonly organisation: string;
  readonly role: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'demo-voorzitter', displayName: 'Demo voorzitter (ZVH)', organisation: 'zvh-limburg-noord', role: 'voorzitter' },
  { id: 'demo-halt', displayName: 'Demo Halt-medewerker', organisation: 'halt', role: 'halt-medewerker' },
  { id: 'demo-jeugdboa', displayName: 'Demo jeugdBOA', organisation: 'gemeente-sittard-geleen', role: 'jeugdboa' },
  // Jongerenwerk may be invited to the casusoverleg only with consent: without it, its jongerenwerker sees nothing.
  { id: 'demo-jongerenwerker', displayName: 'Demo jongerenwerker', organisation: 'jongerenwerk', role: 'jongerenwerker' },
  { id: 'demo-jurist', displayName: 'Demo jurist', organisation: 'zvh-limburg-noord', role: 'jurist' },
  { id: 'demo-fg', displayName: 'Demo privacy officer (FG)', organisation: 'zvh-limburg-noord', role: 'privacy-officer' },
  { id: 'demo-partneroverleg', displayName: 'Demo lid partneroverleg', organisation: 'zvh-limburg-noord', role: 'partneroverleg-lid' },
  // A second FG, so that the four-eyes approval of a policy version can be tried.
  { id: 'demo-fg-2', displayName: 'Demo tweede privacy officer (FG)', organisation: 'gemeente-sittard-geleen', role: 'privacy-officer' },
  // Two functioneel beheerders: the register's bootstrap makes them, they register everyone else
  // (the second approves the privileged roles the first grants: four eyes).
  { id: 'demo-beheerder', displayName: 'Demo functioneel beheerder', organisation: 'zvh-limburg-noord', role: 'functioneel-beheerder' },
  { id: 'demo-beheerder-2', displayName: 'Demo tweede functioneel beheerder', organisation: 'zvh-limburg-noord', role: 'functioneel-beheerder' },
];



/** The demo's youths and which partner knows them (policies/demo/jpp-sittard-geleen.subjects.json: shared with `jpp-adapter examples`). */
export const DEMO_SUBJECTS: readonly DemoSubject[] = loadDemoSubjects('jpp-sittard-geleen');

/** A seeded casus: which demo youths, how it came in, and the statuses it went through. */
export interface DemoCase {
  readonly caseRef: string;
  readonly subjects: readonly string[];
  readonly routeIn: string;
  readonly doel: string;
  /** Days before today that it was aangemeld; each later status follows a week apart. */
  readonly openedDaysAgo: number;
  /** The moves after aanmelding, in order. */
  readonly moves: ReadonlyArray<{ readonly to: string; readonly reason?: string; readonly outcome?: string }>;
  /** Vervolgacties with their owner; a negative `dueInDays` is over tijd from the start. */
  readonly vervolgacties?: ReadonlyArray<{ readonly partner: string; readonly kind: string; readonly dueInDays: number }>;
  /** The partner that holds the regie (recorded at the bespreking). */
  readonly regiehouder?: string;
  /** The platform's aanmeldcriteria that applied (default: the platform's first). */
  readonly aanmeldcriteria?: readonly string[];
  /** Each youth's age at aanmelding, in the order of subjects (default 15). */
  readonly ages?: readonly number[];
}

/** One casus in every status, so that the voorzitter's pages and the monitoring have something to show. */
export const DEMO_CASES: readonly DemoCase[] = [
  { caseRef: 'ZVH-DEMO-0001', subjects: ['jongere-e'], routeIn: 'school', doel: 'jpp-screening', openedDaysAgo: 2, moves: [] },
  { caseRef: 'ZVH-DEMO-0002', subjects: ['jongere-a'], routeIn: 'politie', doel: 'jpp-screening', openedDaysAgo: 10, moves: [{ to: 'in-screening' }] },
  {
    caseRef: 'ZVH-DEMO-0003',
    subjects: ['jongere-c'],
    routeIn: 'politie',
    doel: 'jpp-screening',
    openedDaysAgo: 20,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }],
  },
  {
    caseRef: 'ZVH-DEMO-0004',
    subjects: ['jongere-b'],
    routeIn: 'jongerenwerk',
    doel: 'jpp-screening',
    openedDaysAgo: 30,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'vervolg' }],
    regiehouder: 'halt',
    vervolgacties: [
      { partner: 'jongerenwerk', kind: 'jongerenwerk', dueInDays: 14 },
      { partner: 'halt', kind: 'halt-interventie', dueInDays: -3 },
    ],
  },
  {
    caseRef: 'ZVH-DEMO-0005',
    subjects: ['jongere-f'],
    routeIn: 'gemeente-jeugdboa',
    doel: 'jpp-screening',
    openedDaysAgo: 40,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'opgeschaald', reason: 'veiligheidsrisico' }],
  },
  {
    caseRef: 'ZVH-DEMO-0006',
    subjects: ['jongere-d', 'jongere-e'],
    routeIn: 'halt',
    doel: 'jpp-screening',
    openedDaysAgo: 50,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'afgeschaald', reason: 'lokaal-netwerk-volstaat' }],
  },
  {
    caseRef: 'ZVH-DEMO-0007',
    subjects: ['jongere-d'],
    routeIn: 'gemeente-leerplicht',
    doel: 'jpp-screening',
    openedDaysAgo: 60,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'vervolg' }, { to: 'afgesloten', outcome: 'doelen-bereikt' }],
  },
];
