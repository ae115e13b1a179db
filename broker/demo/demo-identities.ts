/**
 * The demo's synthetic identities: a random BSN that passes the 11-proef for each demo
 * youth (or an obviously made-up name and a random birth date for the one without a BSN),
 * generated on the first demo start into DATA_DIR/demo-identities.json, so that a new
 * user can type them the way a voorzitter would.
 *
 * Invariants:
 * - Demo only, and synthetic: generated at random, never taken from a person.
 * - Only the seeding and the user's own client read them; the broker's database and logs
 *   never hold them (a test scans both).
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';
import { passesElfproef } from '../../protocol/pseudonymisation/elfproef.js';
import { DEMO_SUBJECTS, type DemoSubject } from './demo-platform.js';

export type DemoIdentity = { label: string } & IdentityInput;

function randomBsn(): string {
  for (;;) {
    const candidate = String(randomInt(100_000_000, 1_000_000_000));
    if (passesElfproef(candidate)) return candidate;
  }
}

function randomBirthDate(today: Date): string {
  const age = randomInt(12, 18);
  const d = new Date(Date.UTC(today.getUTCFullYear() - age, randomInt(0, 12), randomInt(1, 29)));
  return d.toISOString().slice(0, 10);
}

/** Reads DATA_DIR/demo-identities.json, creating it on first use for the platform's demo youths. */
export function loadDemoIdentities(dataDir: string, today: Date, subjects: readonly DemoSubject[] = DEMO_SUBJECTS): DemoIdentity[] {
  const file = join(dataDir, 'demo-identities.json');
  if (!existsSync(file)) {
    const identities: DemoIdentity[] = subjects.map((s) =>
      s.identifiedBy === 'bsn'
        ? { label: s.label, bsn: randomBsn() }
        : { label: s.label, surname: 'van der Proefpersoon', firstName: 'Demi', birthDate: randomBirthDate(today) },
    );
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${JSON.stringify(identities, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as DemoIdentity[];
}
