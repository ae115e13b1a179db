/**
 * The demo of each example platform, by platform id: who may log in, the synthetic youths and
 * their signals, the seeded casussen, and what the start banner shows to try first. A platform
 * without a demo here is started in demo mode without people or seed.
 */
import { DEMO_CASES, DEMO_PEOPLE, DEMO_SUBJECTS, type DemoCase, type DemoPerson, type DemoSubject } from './demo-platform.js';
import { JPT_DEMO_CASES, JPT_DEMO_PEOPLE, JPT_DEMO_SUBJECTS } from './demo-jpt-hollands-midden.js';

export interface DemoPlatform {
  readonly people: readonly DemoPerson[];
  readonly subjects: readonly DemoSubject[];
  readonly cases: readonly DemoCase[];
  /** The first question of the tour: a seeded casus in screening, its doel and its youth. */
  readonly tour: { readonly caseRef: string; readonly doel: string; readonly subject: string };
  /** A casusoverleg planned `inDays` from the first start, with these seeded casussen on its agenda (seed-demo-casusoverleg.ts). */
  readonly meeting?: { readonly inDays: number; readonly agenda: readonly string[] };
}

const DEMOS: Readonly<Record<string, DemoPlatform>> = {
  'jpp-sittard-geleen': {
    people: DEMO_PEOPLE,
    subjects: DEMO_SUBJECTS,
    cases: DEMO_CASES,
    tour: { caseRef: 'ZVH-DEMO-0002', doel: 'jpp-screening', subject: 'jongere-a' },
    // 0003: the police reported it (invited as aanmelder). 0004: Halt has the regie (invited);
    // jongerenwerk reported it but may be invited only with consent, which is not recorded.
    meeting: { inDays: 7, agenda: ['ZVH-DEMO-0003', 'ZVH-DEMO-0004'] },
  },
  'jpt-hollands-midden': {
    people: JPT_DEMO_PEOPLE,
    subjects: JPT_DEMO_SUBJECTS,
    cases: JPT_DEMO_CASES,
    tour: { caseRef: 'JPT-DEMO-0002', doel: 'jpt-screening', subject: 'jongere-a' },
    // 0003: the school reported it (not a partner: no one is invited for it yet). 0004: Halt reported it and
    // the jeugdteam has the regie (both invited).
    meeting: { inDays: 7, agenda: ['JPT-DEMO-0003', 'JPT-DEMO-0004'] },
  },
};

export function demoPlatformOf(platformId: string): DemoPlatform | undefined {
  return DEMOS[platformId];
}
