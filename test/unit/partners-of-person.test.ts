/**
 * Need to know inside one organisation: a person sees the tasks, invitations and refs of the
 * partners they work for (partnersOfPerson), one row per person, on both example platforms.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform, partnersOfPerson } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const load = (id: string) => loadPlatform(fileURLToPath(new URL(`../../policies/${id}.platform.json`, import.meta.url)), createSchemaRegistry({ compileAll: false }));

type Row = [organisation: string, role: string, expected: string[]];
const ROWS: Record<string, Row[]> = {
  'jpp-sittard-geleen': [
    ['gemeente-sittard-geleen', 'leerplichtambtenaar', ['gemeente-leerplicht']],
    ['gemeente-sittard-geleen', 'jeugdboa', ['gemeente-jeugdboa']],
    ['gemeente-sittard-geleen', 'team-jeugd-medewerker', ['gemeente-team-jeugd']],
    // A role without a partner of its own: every partner of the organisation.
    ['gemeente-sittard-geleen', 'voorzitter', ['gemeente-jeugdboa', 'gemeente-team-jeugd', 'gemeente-leerplicht']],
    ['halt', 'halt-medewerker', ['halt']],
    // A role's partner outside the person's organisation: none.
    ['halt', 'leerplichtambtenaar', []],
    ['politie', 'jurist', ['politie']],
  ],
  'jpt-hollands-midden': [
    ['gemeente', 'leerplichtambtenaar', ['gemeente-leerplicht']],
    ['gemeente', 'jeugdteam-medewerker', ['gemeente-jeugdteam']],
    ['veilig-thuis', 'veilig-thuis-medewerker', ['veilig-thuis']],
  ],
};

for (const [id, rows] of Object.entries(ROWS)) {
  describe(id, () => {
    const platform = load(id);
    it.each(rows)('%s as %s works for %j', (organisation, role, expected) => {
      expect(partnersOfPerson(platform, { organisation, role }).map((p) => p.id)).toEqual(expected);
    });
  });
}

it('refuses a platform file whose role names a partner the platform does not have', () => {
  const source = fileURLToPath(new URL('../../policies/jpp-sittard-geleen.platform.json', import.meta.url));
  const data = JSON.parse(readFileSync(source, 'utf8')) as { policy: string; roles: Array<{ partner?: string }> };
  data.roles[0]!.partner = 'onbekende-partner';
  data.policy = 'jpp-sittard-geleen.csv';
  const dir = mkdtempSync(join(tmpdir(), 'jpp-role-partner-'));
  try {
    const file = join(dir, 'platform.json');
    writeFileSync(file, JSON.stringify(data));
    expect(() => loadPlatform(file, createSchemaRegistry({ compileAll: false }))).toThrow(/role voorzitter: unknown partner onbekende-partner/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
