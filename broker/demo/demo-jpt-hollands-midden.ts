/**
 * The second demo platform: the Jeugd Preventie Team Hollands Midden (doelgroep 8–18). Cases
 * come in as a zorgmelding of the police that Veilig Thuis passes on, or as a question for
 * advice from parents, a school or a partner (the route in of a casus). Demo people, synthetic
 * youths with signals, and one casus in every status, as for JPP Sittard-Geleen.
 *
 * Demo only: every identity is made up at random on first start (demo-identities.ts).
 */
import type { DemoCase, DemoPerson, DemoSubject } from './demo-platform.js';

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

export const JPT_DEMO_SUBJECTS: readonly DemoSubject[] = [
  {
    label: 'jongere-a',
    story: 'a police zorgmelding that Veilig Thuis passed on: known to politie and Veilig Thuis',
    identifiedBy: 'bsn',
    signals: [
      { partner: 'politie', category: 'zorgsignaal', registeredDaysAgo: 30, validDays: 365 },
      { partner: 'veilig-thuis', category: 'zorgsignaal', registeredDaysAgo: 25, validDays: 365 },
    ],
  },
  {
    label: 'jongere-b',
    story: 'a school asked the JPT for advice: known to leerplicht and the jeugd- en gezinsteam',
    identifiedBy: 'bsn',
    signals: [
      { partner: 'gemeente-leerplicht', category: 'leerplicht-verzuim', registeredDaysAgo: 60, validDays: 365 },
      { partner: 'gemeente-jeugdteam', category: 'jeugdhulp-traject', registeredDaysAgo: 45, validDays: 365 },
    ],
  },
  {
    label: 'jongere-c',
    story: 'a Halt-afdoening only',
    identifiedBy: 'bsn',
    signals: [{ partner: 'halt', category: 'halt-afdoening', registeredDaysAgo: 15, validDays: 365 }],
  },
  {
    label: 'jongere-d',
    story: 'an expired Veilig Thuis signal only: no hit anywhere',
    identifiedBy: 'bsn',
    signals: [{ partner: 'veilig-thuis', category: 'zorgsignaal', registeredDaysAgo: 800, validDays: 730 }],
  },
  { label: 'jongere-e', story: 'unknown to every partner; the parents asked the JPT for advice', identifiedBy: 'bsn', signals: [] },
  {
    label: 'jongere-f',
    story: 'no BSN known: identified by surname, birth date and first name; known to the police',
    identifiedBy: 'name',
    signals: [{ partner: 'politie', category: 'politie-registratie', registeredDaysAgo: 10, validDays: 365 }],
  },
];

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
    vervolgacties: [{ partner: 'halt', kind: 'halt-interventie', dueInDays: 14 }],
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
