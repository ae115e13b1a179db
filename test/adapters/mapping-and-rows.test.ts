/**
 * The adapter's input checks, one line per case: a bad mapping file names the field and
 * the reason; a bad row is named by line, column and reason, never by its value; rows
 * outside the doelgroep are skipped; Excel CSV (BOM, semicolons, latin1) and JSON lines
 * are read. Dry runs only: nothing here contacts a broker.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkMapping, MappingError, mapRow, runImport, type AdapterMapping } from '../../adapters/index.js';
import { syntheticBsn } from '../support/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'jpp-mapping-'));
const TODAY = '2026-06-15';
const BIN = fileURLToPath(new URL('../../bin/jpp-adapter.js', import.meta.url));

const base = (): Record<string, unknown> => ({
  partner: 'halt',
  source: { format: 'csv', delimiter: ';' },
  identity: { bsn: 'bsn', fallback: { surname: 'achternaam', firstName: 'voornaam' } },
  birthDate: { column: 'geboortedatum', format: 'dd-mm-yyyy' },
  registeredAt: { column: 'datum', format: 'dd-mm-yyyy' },
  ref: { column: 'zaak', prefix: 'HALT-' },
  category: { column: 'code', map: { VERN: 'halt-afdoening' } },
  doelgroep: { minAge: 0, maxAge: 27 },
  validity: { days: 365 },
});

function badMapping(change: (m: Record<string, any>) => void): readonly { pointer: string; detail: string }[] {
  const m = base();
  change(m);
  try {
    checkMapping(m);
  } catch (err) {
    if (err instanceof MappingError) return err.problems;
    throw err;
  }
  throw new Error('the mapping was accepted');
}

describe('a bad mapping file is refused, naming the field', () => {
  it.each([
    ['a missing doelgroep', (m: any) => delete m.doelgroep, '', /doelgroep/],
    ['an unknown category', (m: any) => (m.category.map.VERN = 'verdachte'), '/category/map/VERN', /must be one of: .*halt-afdoening/],
    ['an unknown field', (m: any) => (m.extra = 1), '', /extra|additional/],
    ['a date format it does not know', (m: any) => (m.birthDate.format = 'mm/dd/yyyy'), '/birthDate/format', /must be one of/],
    ['a two-character delimiter', (m: any) => (m.source.delimiter = ';;'), '/source', /.+/],
    ['no identity column at all', (m: any) => (m.identity = {}), '/identity', /.+/],
    ['minAge above maxAge', (m: any) => (m.doelgroep.minAge = 30), '/doelgroep/minAge', /maxAge/],
    ['validity of zero days', (m: any) => (m.validity.days = 0), '/validity/days', /.+/],
  ])('%s', (_name, change, pointer, detail) => {
    const problems = badMapping(change);
    expect(problems.some((p) => p.pointer.startsWith(pointer) && detail.test(p.detail + p.pointer)), JSON.stringify(problems)).toBe(true);
  });

  it('the CLI prints every problem and exits 4, before reading the export', async () => {
    const file = join(dir, 'bad.mapping.json');
    writeFileSync(file, JSON.stringify({ ...base(), category: { column: 'code', map: { VERN: 'verdachte' } }, validity: { days: 0 } }));
    const res = await promisify(execFile)(process.execPath, [BIN, 'import', '--mapping', file, '--export', join(dir, 'absent.csv'), '--dry-run']).catch((e) => e);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/\/category\/map\/VERN: /);
    expect(res.stderr).toMatch(/\/validity\/days: /);
  }, 60_000);
});

describe('rows: signal, skipped or rejected, one line per case', () => {
  const mapping = checkMapping(base());
  const bsn = syntheticBsn();
  const row = (over: Record<string, string>) => ({ bsn, achternaam: '', voornaam: '', geboortedatum: '01-02-2010', code: 'VERN', datum: '01-06-2026', zaak: 'Z001', ...over });
  it.each([
    ['a good row', {}, { kind: 'signal' }],
    ['27 today: inside the doelgroep', { geboortedatum: '15-06-1999' }, { kind: 'signal' }],
    ['28 today: outside the doelgroep', { geboortedatum: '14-06-1998' }, { kind: 'skipped', reason: 'outside-doelgroep' }],
    ['a code the mapping does not map', { code: 'OTHER' }, { kind: 'skipped', reason: 'unmapped-code' }],
    ['expired', { datum: '01-01-2025' }, { kind: 'skipped', reason: 'expired' }],
    ['a BSN failing the 11-proef', { bsn: '123456788' }, { kind: 'rejected', field: 'bsn', reason: expect.stringMatching(/11-proef/) }],
    ['no birth date', { geboortedatum: '' }, { kind: 'rejected', field: 'geboortedatum', reason: expect.stringMatching(/doelgroep/) }],
    ['a birth date in another format', { geboortedatum: '2010-02-01' }, { kind: 'rejected', field: 'geboortedatum', reason: expect.stringMatching(/dd-mm-yyyy/) }],
    ['a registration in the future', { datum: '16-06-2026' }, { kind: 'rejected', field: 'datum', reason: 'lies in the future' }],
    ['a ref that is a BSN', { zaak: syntheticBsn() }, { kind: 'rejected', field: 'zaak', reason: expect.stringMatching(/BSN/) }],
    ['a ref that is a date', { zaak: '2010-02-01' }, { kind: 'rejected', field: 'zaak', reason: expect.stringMatching(/date/) }],
    ['no BSN: the fallback key', { bsn: '', achternaam: 'van der Proefpersoon', voornaam: 'Demi' }, { kind: 'signal' }],
    ['no BSN and no surname', { bsn: '', voornaam: 'Demi' }, { kind: 'rejected', field: 'achternaam' }],
  ])('%s', (_name, over, expected) => {
    const out = mapRow(row(over as Record<string, string>), mapping, TODAY);
    expect(out).toMatchObject(expected);
    if (out.kind === 'rejected') expect(out.reason).not.toContain(bsn);
  });
});

describe('exports', () => {
  const dry = (mapping: AdapterMapping, exportFile: string) =>
    runImport({
      mapping, exportFile, mode: 'snapshot', stateDir: join(dir, `state-${Math.random()}`), dryRun: true, today: TODAY,
      broker: { baseUrl: 'http://127.0.0.1:1', token: '' }, custodian: { baseUrl: 'http://127.0.0.1:1', token: '' },
    });

  it('Excel CSV (BOM, semicolons, CRLF, quotes): counts, categories, and bad rows by line without their values', async () => {
    const bad = '123456788';
    const good = [syntheticBsn(), syntheticBsn(), syntheticBsn()];
    const file = join(dir, 'halt.csv');
    writeFileSync(file, `\uFEFFbsn;achternaam;voornaam;geboortedatum;code;datum;zaak\r\n${good[0]};;;01-02-2010;VERN;01-06-2026;Z1\r\n${bad};;;01-02-2010;VERN;01-06-2026;Z2\r\n${good[1]};;;01-02-1990;VERN;01-06-2026;Z3\r\n${good[2]};"x;y";;01-02-2011;VERN;01-06-2026;Z4\r\n${good[0]};;;01-02-2010;VERN;01-06-2026;Z1\r\n`);
    const r = await dry(checkMapping(base()), file);
    expect(r).toMatchObject({ read: 5, skipped: 1, rejected: 2, categories: { 'halt-afdoening': 2 }, skippedBy: { outsideDoelgroep: 1 } });
    expect(r.rejections).toEqual([
      { line: 3, field: 'bsn', reason: 'is not a valid BSN (fails the 11-proef)' },
      { line: 6, field: 'zaak', reason: 'the same ref appears twice in the export' },
    ]);
    expect(JSON.stringify(r)).not.toContain(bad);
  });

  it('latin1 CSV with commas, and JSON lines with a broken line', async () => {
    const csv = join(dir, 'latin1.csv');
    writeFileSync(csv, Buffer.from(`bsn,achternaam,voornaam,geboortedatum,code,datum,zaak\n,Müller,Zoë,01-02-2010,VERN,01-06-2026,Z1\n`, 'latin1'));
    const latin = await dry(checkMapping({ ...base(), source: { format: 'csv', delimiter: ',', encoding: 'latin1' } }), csv);
    expect(latin).toMatchObject({ read: 1, rejected: 0, categories: { 'halt-afdoening': 1 } });

    const jsonl = join(dir, 'export.jsonl');
    writeFileSync(jsonl, `{"bsn":"${syntheticBsn()}","geboortedatum":"01-02-2010","code":"VERN","datum":"01-06-2026","zaak":"Z1"}\n{"bsn": broken\n\n{"bsn":${Number(syntheticBsn())},"geboortedatum":"01-02-2012","code":"VERN","datum":"01-06-2026","zaak":7}\n`);
    const r = await dry(checkMapping({ ...base(), source: { format: 'jsonl' } }), jsonl);
    expect(r).toMatchObject({ read: 3, rejected: 1, categories: { 'halt-afdoening': 2 } });
    expect(r.rejections).toEqual([{ line: 2, field: '(line)', reason: 'is not valid JSON' }]);
  });
});
