/**
 * The synthetic youths of an example platform's demo, and which partner knows them, read from
 * `policies/demo/<platform>.subjects.json`: data, so that the broker's demo seed and the adapter's
 * example exports (`jpp-adapter examples`) share them without importing each other's code.
 *
 * Invariant: only labels, stories and signal shapes; never an identity (those are made up at
 * random on first start, demo-identities.ts).
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../protocol/package-root.js';
import type { SignalCategory } from '../signals/signal-category.js';

export interface DemoSignal {
  readonly partner: string;
  readonly category: SignalCategory;
  /** Days before today that the partner registered it. */
  readonly registeredDaysAgo: number;
  /** Days after registration that it expires (may lie in the past: an expired signal). */
  readonly validDays: number;
}

export interface DemoSubject {
  readonly label: string;
  readonly story: string;
  /** How the demo identifies this youth: by BSN, or by the fallback key (surname, birth date, first name). */
  readonly identifiedBy: 'bsn' | 'name';
  readonly signals: readonly DemoSignal[];
}

export function loadDemoSubjects(platformId: string): DemoSubject[] {
  const data = JSON.parse(readFileSync(packagePath('policies', 'demo', `${platformId}.subjects.json`), 'utf8')) as { subjects: DemoSubject[] };
  return data.subjects;
}
