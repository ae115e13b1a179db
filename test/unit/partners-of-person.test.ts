/**
 * Need to know inside one organisation: a person sees the tasks, invitations and refs of the
 * partners they work for (partnersOfPerson), one row per person, on both example platforms.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform, partnersOfPerson } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const load = (id: string) => loadPlatform(fileURLToPath(new URL(`../../policies/${id}.platform.json`, import.meta.url)), createSchemaRegistry({ compileAll: false }));

describe.each([
  ['jpp-sittard-geleen', [
    ['gemeente-sittard-geleen', 'leerplichtambtenaar', ['gemeente-leerplicht']],
    ['gemeente-sittard-geleen', 'jeugdboa', ['gemeente-jeugdboa']],
    ['gemeente-sittard-geleen', 'team-jeugd-medewerker', ['gemeente-team-jeugd']],
    // A role without a partner of its own: every partner of the organisation.
    ['gemeente-sittard-geleen', 'voorzitter', ['gemeente-jeugdboa', 'gemeente-team-jeugd', 'gemeente-leerplicht']],
    ['halt', 'halt-medewerker', ['halt']],
    // A role's partner outside the person's organisation: none.
    ['halt', 'leerplichtambtenaar', []],
    ['politie', 'jurist', ['politie']],
  ]],
  ['jpt-hollands-midden', [
    ['gemeente', 'leerplichtambtenaar', ['gemeente-leerplicht']],
    ['gemeente', 'jeugdteam-medewerker', ['gemeente-jeugdteam']],
    ['veilig-thuis', 'veilig-thuis-medewerker', ['veilig-thuis']],
  ]],
] as const)('%s', (id, rows) => {
  const platform = load(id);
  it.each(rows)('%s as %s works for %j', (organisation, role, expected) => {
    expect(partnersOfPerson(platform, { organisation, role }).map((p) => p.id)).toEqual(expected);
  });
});

it('refuses a platform whose role names a partner it does not have', () => {
  const platform = load('jpp-sittard-geleen');
  expect(platform.roles.filter((r) => r.partner !== undefined).every((r) => platform.partners.some((p) => p.id === r.partner))).toBe(true);
});
