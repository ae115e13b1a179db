/**
 * Example exports and mapping files for each partner of the platform, made of synthetic
 * people (random BSNs that pass the 11-proef, obviously made-up names), so that the README
 * tour can run a real nightly import. `jpp-adapter examples --out data/exports`.
 *
 * For each partner it writes:
 * - `<partner>.mapping.json`: a mapping in the shape that partner's system might export;
 * - `<partner>.csv` or `.jsonl`: tonight's export (formats vary on purpose: Excel CSV
 *   with BOM and semicolons, plain CSV, JSON lines; Dutch and ISO dates);
 * - `<partner>.next.csv|.jsonl`: tomorrow night's export: some records deleted by the
 *   partner, some new ones, for a second (snapshot) run.
 * Each export also holds some rows outside the doelgroep (too old), a source code the
 * mapping does not map, and one row with a BSN that fails the 11-proef.
 *
 * The demo's identities (DATA_DIR/demo-identities.json), when given, are included where
 * the demo's story says a partner knows them, so that the voorzitter's questions about
 * them get hits from imported signals. Never real data.
 */
import { randomInt, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { passesElfproef } from '../../protocol/pseudonymisation/elfproef.js';
import type { AdapterMapping } from '../import/mapping.js';
import { packagePath } from '../../protocol/package-root.js';

/** The demo's youths and which partner knows them: data shared with the broker's demo seed (policies/demo/). */
const DEMO_SUBJECTS = (JSON.parse(readFileSync(packagePath('policies', 'demo', 'jpp-sittard-geleen.subjects.json'), 'utf8')) as {
  subjects: Array<{ label: string; signals: Array<{ partner: string; category: string; registeredDaysAgo: number; validDays: number }> }>;
}).subjects;

interface Person {
  bsn?: string;
  surname?: string;
  tussenvoegsel?: string;
  firstName?: string;
  birthDate: string;
}

interface Style {
  readonly format: 'excel-csv' | 'csv' | 'jsonl';
  readonly dates: 'dd-mm-yyyy' | 'yyyy-mm-dd';
  readonly refPrefix: string;
  readonly codes: Record<string, string>;
  readonly unmapped: string;
}

/** How each seeded partner's system might export (made up, plausible). */
const STYLES: Record<string, (categories: readonly string[]) => Style> = {
  politie: (c) => ({ format: 'jsonl', dates: 'yyyy-mm-dd', refPrefix: 'BVH-', codes: { VERD: c[0]!, ZSM: c[0]!, ZORGMELDING: c[1] ?? c[0]! }, unmapped: 'GETUIGE' }),
  halt: (c) => ({ format: 'excel-csv', dates: 'dd-mm-yyyy', refPrefix: 'HALT-', codes: { 'HALT-VERN': c[0]!, 'HALT-DIEF': c[0]!, 'HALT-VUURW': c[0]! }, unmapped: 'VERWIJZING-AFGEWEZEN' }),
  'gemeente-leerplicht': (c) => ({ format: 'csv', dates: 'yyyy-mm-dd', refPrefix: 'LPL-', codes: { 'RELATIEF-VERZUIM': c[0]!, 'ABSOLUUT-VERZUIM': c[0]! }, unmapped: 'LUXE-VERZUIM-VRIJSTELLING' }),
};

const defaultStyle = (partner: string, categories: readonly string[], n: number): Style => ({
  format: (['excel-csv', 'jsonl', 'csv'] as const)[n % 3]!,
  dates: n % 2 === 0 ? 'dd-mm-yyyy' : 'yyyy-mm-dd',
  refPrefix: `${partner.slice(0, 6).toUpperCase()}-`,
  codes: Object.fromEntries(categories.map((c, i) => [`CODE-${i + 1}`, c])),
  unmapped: 'CODE-X',
});

const SURNAMES = ['Proefpersoon', 'Testmans', 'Voorbeeldt', 'Fictief', 'Verzonnen', 'Demosma'];
const TUSSENVOEGSELS = ['', '', 'van', 'de', 'van der'];
const FIRST_NAMES = ['Demi', 'Sam', 'Noa', 'Luca', 'Jip', 'Fenna', 'Milan', 'Sem'];

function randomBsn(): string {
  for (;;) {
    const candidate = String(randomInt(100_000_000, 1_000_000_000));
    if (passesElfproef(candidate)) return candidate;
  }
}

function badBsn(): string {
  for (;;) {
    const candidate = String(randomInt(100_000_000, 1_000_000_000));
    if (!passesElfproef(candidate)) return candidate;
  }
}

const iso = (d: Date): string => d.toISOString().slice(0, 10);
const daysAgo = (today: Date, n: number): Date => new Date(today.getTime() - n * 86_400_000);
const birthDateForAge = (today: Date, age: number): string =>
  iso(new Date(Date.UTC(today.getUTCFullYear() - age - 1, today.getUTCMonth(), today.getUTCDate()) + randomInt(1, 360) * 86_400_000));

function formatDate(isoDate: string, style: Style['dates']): string {
  if (style === 'yyyy-mm-dd') return isoDate;
  const [y, m, d] = isoDate.split('-');
  return `${d}-${m}-${y}`;
}

function randomPerson(today: Date, age: number): Person {
  const birthDate = birthDateForAge(today, age);
  if (randomInt(0, 25) === 0) {
    const t = TUSSENVOEGSELS[randomInt(0, TUSSENVOEGSELS.length)]!;
    return { surname: SURNAMES[randomInt(0, SURNAMES.length)]!, ...(t ? { tussenvoegsel: t } : {}), firstName: FIRST_NAMES[randomInt(0, FIRST_NAMES.length)]!, birthDate };
  }
  return { bsn: randomBsn(), birthDate };
}

interface Row {
  /** Inside the doelgroep with a mapped code: what tomorrow's export may delete. */
  sendable?: boolean;
  person: Person;
  code: string;
  registered: string;
  ref: string;
}

const COLUMNS = ['bsn', 'achternaam', 'tussenvoegsel', 'voornaam', 'geboortedatum', 'code', 'datum', 'zaaknummer'];

function render(rows: readonly Row[], style: Style): string {
  const values = (r: Row): string[] => [
    r.person.bsn ?? '',
    r.person.surname ?? '',
    r.person.tussenvoegsel ?? '',
    r.person.firstName ?? '',
    formatDate(r.person.birthDate, style.dates),
    r.code,
    formatDate(r.registered, style.dates),
    r.ref,
  ];
  if (style.format === 'jsonl') {
    return rows.map((r) => JSON.stringify(Object.fromEntries(COLUMNS.map((c, i) => [c, values(r)[i]]).filter(([, v]) => v !== '')))).join('\n') + '\n';
  }
  const sep = style.format === 'excel-csv' ? ';' : ',';
  const eol = style.format === 'excel-csv' ? '\r\n' : '\n';
  const quote = (v: string): string => (/[";,\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const body = [COLUMNS.join(sep), ...rows.map((r) => values(r).map(quote).join(sep))].join(eol) + eol;
  return style.format === 'excel-csv' ? `\uFEFF${body}` : body;
}

function mappingFor(partner: string, style: Style, maxAge: number, minAge: number): AdapterMapping & { $schema: string } {
  const dateFormat = style.dates;
  return {
    $schema: 'https://schemas.jpp-broker.invalid/adapter-mapping.schema.json',
    partner,
    source: style.format === 'jsonl' ? { format: 'jsonl' } : { format: 'csv', delimiter: style.format === 'excel-csv' ? ';' : ',', encoding: 'utf-8' },
    identity: { bsn: 'bsn', fallback: { surname: 'achternaam', tussenvoegsel: 'tussenvoegsel', firstName: 'voornaam' } },
    birthDate: { column: 'geboortedatum', format: dateFormat },
    registeredAt: { column: 'datum', format: dateFormat },
    ref: { column: 'zaaknummer' },
    category: { column: 'code', map: style.codes },
    doelgroep: { minAge, maxAge },
    validity: { days: 365 },
  };
}

export interface ExamplesOptions {
  readonly out: string;
  /** The platform's partners (id and categories) and doelgroep. */
  readonly partners: ReadonlyArray<{ id: string; categories: readonly string[] }>;
  readonly doelgroep: { minAge?: number; maxAge: number };
  /** Rows per export (before the demo's identities). */
  readonly rows?: number;
  /** DATA_DIR/demo-identities.json of a demo broker, if any. */
  readonly demoIdentitiesFile?: string;
  readonly today?: Date;
}

export interface ExamplesResult {
  readonly files: string[];
}

export function generateExamples(o: ExamplesOptions): ExamplesResult {
  const today = o.today ?? new Date();
  const rowsPer = o.rows ?? 200;
  mkdirSync(o.out, { recursive: true });
  const demo = o.demoIdentitiesFile && existsSync(o.demoIdentitiesFile)
    ? (JSON.parse(readFileSync(o.demoIdentitiesFile, 'utf8')) as Array<{ label: string } & Person>)
    : [];
  const files: string[] = [];
  o.partners.forEach((p, n) => {
    const style = (STYLES[p.id] ?? ((c: readonly string[]) => defaultStyle(p.id, c, n)))(p.categories);
    const codes = Object.keys(style.codes);
    let seq = 0;
    const ref = (): string => `${style.refPrefix}Z${String(++seq).padStart(6, '0')}${String.fromCharCode(97 + (randomBytes(1)[0]! % 26))}`;
    const row = (person: Person, code: string, registeredDaysAgo: number): Row => ({ person, code, registered: iso(daysAgo(today, registeredDaysAgo)), ref: ref() });
    const rows: Row[] = [];
    for (let i = 0; i < rowsPer; i += 1) {
      // About 5% too old for the doelgroep, 3% with a code the mapping leaves out.
      const age = randomInt(0, 20) === 0 ? o.doelgroep.maxAge + randomInt(1, 10) : randomInt(12, Math.min(o.doelgroep.maxAge, 23) + 1);
      const code = randomInt(0, 33) === 0 ? style.unmapped : codes[randomInt(0, codes.length)]!;
      rows.push({ ...row(randomPerson(today, age), code, randomInt(1, 300)), sendable: age <= o.doelgroep.maxAge && code !== style.unmapped });
    }
    // One row whose BSN fails the 11-proef: rejected with its line number, never sent.
    rows.push(row({ bsn: badBsn(), birthDate: birthDateForAge(today, 16) }, codes[0]!, 3));
    // The demo's youths, where the demo's story says this partner knows them (and it has not expired).
    for (const subject of DEMO_SUBJECTS) {
      const identity = demo.find((d) => d.label === subject.label);
      if (!identity) continue;
      for (const s of subject.signals) {
        if (s.partner !== p.id || s.registeredDaysAgo >= s.validDays) continue;
        const code = Object.entries(style.codes).find(([, c]) => c === s.category)?.[0];
        if (!code) continue;
        const { label: _label, ...person } = identity;
        // A BSN-identified demo youth has no birth date on file: give it one inside the doelgroep.
        rows.push(row({ ...person, birthDate: person.birthDate ?? birthDateForAge(today, 15) }, code, s.registeredDaysAgo));
      }
    }
    // Tomorrow: the partner deleted every tenth record it sends (never the demo's), and registered a few new ones.
    let k = 0;
    const next = rows.filter((r) => !(r.sendable && ++k % 10 === 0));
    for (let i = 0; i < Math.max(1, Math.round(rowsPer / 50)); i += 1) next.push(row(randomPerson(today, randomInt(12, 18)), codes[0]!, 0));

    const ext = style.format === 'jsonl' ? 'jsonl' : 'csv';
    const write = (name: string, text: string): void => {
      writeFileSync(join(o.out, name), text);
      files.push(join(o.out, name));
    };
    write(`${p.id}.mapping.json`, `${JSON.stringify(mappingFor(p.id, style, o.doelgroep.maxAge, o.doelgroep.minAge ?? 0), null, 2)}\n`);
    write(`${p.id}.${ext}`, render(rows, style));
    write(`${p.id}.next.${ext}`, render(next, style));
  });
  return { files };
}
