/**
 * The second demo platform: the Jeugd Preventie Team Hollands Midden (doelgroep 8–18). Cases
 * come in as a zorgmelding of the police that Veilig Thuis passes on, or as a question for
 * advice from parents, a school or a partner (the route in of a casus). Demo people, synthetic
 * youths with signals, and one casus in every status, as for JPP Sittard-Geleen; a casus in vervolg
 * has a regiehouder and a vervolgactie over tijd, and a planned casusoverleg has two on its agenda.
 *
 * Demo only: every identity is made up at random on first start (demo-identities.ts).
 */
import type { DemoCase, DemoPerson, DemoSubject } from './demo-platform.js';
import { loadDemoSubjects } from './demo-subjects.js';

export const JPT_DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'demo-voorzitter', displayName: 'Demo voorzitter JPT (ZVH Hollands Midden)', organisation: 'zvh-hollands-midden', role: 'voorzitter' },
  { id: 'demo-veilig-thuis', displayName: 'Demo medewerker Veilig Thuis', organisation: 'veilig-thuis', role: 'veilig-thuis-medewerker' },
  { id: 'demo-halt', displayName: 'Demo Halt-medewerker', organisation: 'halt', role: 'halt-medewerker' },
  { id: 'demo-jurist', displayName: 'Demo jurist', organisation: 'zvh-hollands-midden', role: 'jurist' },
  { id: 'demo-fg', displayName: 'Demo privacy officer (FG)', organisation: 'zvh-hollands-midden', role: 'privacy-officer' },
  { id: 'demo-fg-2', displayName: 'Demo tweede privacy officer (FG)', organisation: 'gemeente', role: 'privacy-officer' },
  { id: 'demo-partneroverleg', displayName: 'Demo lid partneroverleg', organisation: 'zvh-hollands-midden', role: 'partneroverleg-lid' },
  { id: 'demo-beheerder', displayName: 'Demo functioneel beheerder', organisation: 'zvh-hollands-midden', role: 'functioneel-beheerder' },
  { id: 'demo-beheerder-2', displayName: 'Demo tweede functioneel beheerder', organisation: 'zvh-hollands-midden', role: 'functioneel-beheerder' },
];

/** The JPT demo's youths (policies/demo/jpt-hollands-midden.subjects.json). */
export const JPT_DEMO_SUBJECTS: readonly DemoSubject[] = loadDemoSubjects('jpt-hollands-midden');

/** One casus in every status. */
export const JPT_DEMO_CASES: readonly DemoCase[] = [
  { caseRef: 'JPT-DEMO-0001', subjects: ['jongere-e'], routeIn: 'ouders-jongere', doel: 'jpt-screening', openedDaysAgo: 3, moves: [] },
  { caseRef: 'JPT-DEMO-0002', subjects: ['jongere-a'], routeIn: 'veilig-thuis', doel: 'jpt-screening', openedDaysAgo: 8, moves: [{ to: 'in-screening' }] },
  {
    caseRef: 'JPT-DEMO-0003',
    subjects: ['jongere-b'],
    routeIn: 'school',
    doel: 'jpt-screening',
    openedDaysAgo: 20,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }],
  },
  {
    caseRef: 'JPT-DEMO-0004',
    subjects: ['jongere-c'],
    routeIn: 'halt',
    doel: 'jpt-screening',
    openedDaysAgo: 30,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'vervolg' }],
    regiehouder: 'gemeente-jeugdteam',
    vervolgacties: [
      { partner: 'halt', kind: 'halt-interventie', dueInDays: 14 },
      { partner: 'gemeente-jeugdteam', kind: 'gesprek-ouders', dueInDays: -2 },
    ],
  },
  {
    caseRef: 'JPT-DEMO-0005',
    subjects: ['jongere-f'],
    routeIn: 'politie',
    doel: 'jpt-screening',
    openedDaysAgo: 40,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'opgeschaald', reason: 'complexe-problematiek' }],
  },
  {
    caseRef: 'JPT-DEMO-0006',
    subjects: ['jongere-d', 'jongere-e'],
    routeIn: 'gemeente-leerplicht',
    doel: 'jpt-screening',
    openedDaysAgo: 50,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'afgeschaald', reason: 'zorgen-afgenomen' }],
  },
  {
    caseRef: 'JPT-DEMO-0007',
    subjects: ['jongere-d'],
    routeIn: 'veilig-thuis',
    doel: 'jpt-screening',
    openedDaysAgo: 60,
    moves: [{ to: 'in-screening' }, { to: 'besproken' }, { to: 'vervolg' }, { to: 'afgesloten', outcome: 'geen-zorgen' }],
  },
];
