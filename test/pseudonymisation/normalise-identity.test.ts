/**
 * The identity normalisation rules (version 1): example tables, refusals, and fast-check
 * properties that equivalent spellings meet and different identities do not.
 * All data is synthetic: BSNs are generated at test time, names are obviously made up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IdentityNormalisationError,
  NORMALISATION_VERSION,
  TUSSENVOEGSELS,
  foldName,
  identityKey,
  identityKeyString,
  normaliseSurname,
  type IdentityInput,
} from '../../protocol/pseudonymisation/normalise-identity.js';
import { syntheticBsn } from '../support/synthetic.js';

/** A synthetic BSN: 8 random digits and the check digit that makes the 11-proef pass. */
const bsnArb = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((d) => [...d, d.reduce((acc, digit, i) => acc + digit * (9 - i), 0) % 11])
  .filter((d) => d[8]! <= 9 && d.some((x) => x !== 0))
  .map((d) => d.join(''));

const naw = (surname: string, extra: Partial<Extract<IdentityInput, { surname: string }>> = {}): string =>
  identityKeyString({ surname, birthDate: '2011-03-04', firstInitial: 's', ...extra });

describe('identity keys', () => {
  it('has version 1 and the documented shapes', () => {
    expect(NORMALISATION_VERSION).toBe(1);
    const bsn = syntheticBsn();
    expect(identityKeyString({ bsn })).toBe(`jpp-id:v1:bsn:${bsn}`);
    expect(identityKeyString({ surname: 'Testpersoon', birthDate: '2011-03-04', firstName: 'Synthia' })).toBe(
      'jpp-id:v1:naw:testpersoon|2011-03-04|s',
    );
    expect(new TextDecoder().decode(identityKey({ bsn }))).toBe(`jpp-id:v1:bsn:${bsn}`);
  });

  it('accepts BSNs with spaces and dots, and 8-digit BSNs with an implied leading zero', () => {
    const bsn = fc.sample(bsnArb.filter((b) => b.startsWith('0')), 1)[0]!;
    const expected = `jpp-id:v1:bsn:${bsn}`;
    expect(identityKeyString({ bsn: bsn.slice(1) })).toBe(expected);
    expect(identityKeyString({ bsn: `${bsn.slice(0, 4)}.${bsn.slice(4, 6)}.${bsn.slice(6)}` })).toBe(expected);
    expect(identityKeyString({ bsn: ` ${bsn.slice(0, 3)} ${bsn.slice(3, 6)} ${bsn.slice(6)} ` })).toBe(expected);
  });

  it.each([
    ['a different tussenvoegsel (collides by design)', 'Van der Proefberg', 'van den proefberg'],
    ['no tussenvoegsel at all', 'van der Proefberg', 'Proefberg'],
    ['upper case', 'van der Proefberg', 'VAN DER PROEFBERG'],
    ["'t", "'t Fictiefhof", 'Fictiefhof'],
    ["in 't", "in 't Fictiefveld", 'fictiefveld'],
    ["'s- with a hyphen", "'s-Fictiefzande", 'Fictiefzande'],
    ["d' glued to the name", "d'Fictiefondt", 'Fictiefondt'],
    ['curly apostrophe', 'd’Fictiefondt', 'Fictiefondt'],
    ['uit de', 'Uit de Voorbeeldhoek', 'Voorbeeldhoek'],
    ['op de', 'op de Voorbeeldkamp', 'Voorbeeldkamp'],
    ['v.d. abbreviation', 'v.d. Proefberg', 'Proefberg'],
    ['foreign voorvoegsel', 'von der Testheide', 'Testheide'],
    ['diacritics', 'Tëstpérsöön', 'Testpersoon'],
    ['ß', 'Teststraß', 'Teststrass'],
    ['ø and æ', 'Øtestæ', 'otestae'],
    ['ĳ ligature', 'Ĳsproef', 'IJsproef'],
    ['double-barrelled with hyphen or space', 'Testpersoon-de Voorbeeld', 'testpersoon de voorbeeld'],
    ['apostrophe inside a name', "O'Fictief", 'Ofictief'],
  ])('treats %s as the same surname', (_label, a, b) => {
    expect(naw(a)).toBe(naw(b));
  });

  it.each([
    ['y and ij are different letters', 'Proefdyk', 'Proefdijk'],
    ['a particle fused into the name is not a particle', 'Vandertest', 'Test'],
    ['a particle inside a double name is kept', 'Testpersoon-de Voorbeeld', 'Testpersoon-Voorbeeld'],
  ])('keeps apart: %s', (_label, a, b) => {
    expect(naw(a)).not.toBe(naw(b));
  });

  it('treats a tussenvoegsel given separately like one inside the surname', () => {
    expect(naw('Proefberg', { tussenvoegsel: 'van der' })).toBe(naw('van der Proefberg'));
    expect(naw('Proefberg', { tussenvoegsel: "in 't" })).toBe(naw('Proefberg'));
    expect(normaliseSurname('Proefberg', 'Van Den')).toBe('proefberg');
  });

  it('never removes the last word, even when it is a tussenvoegsel', () => {
    expect(normaliseSurname('De')).toBe('de');
    expect(normaliseSurname('van der', undefined)).toBe('der');
  });

  it('takes the first letter of the first name or initial', () => {
    const base = { surname: 'Testpersoon', birthDate: '2011-03-04' };
    expect(identityKeyString({ ...base, firstName: 'Émile' })).toBe(identityKeyString({ ...base, firstInitial: 'E.' }));
    expect(identityKeyString({ ...base, firstName: 'IJsbrand' })).toBe(identityKeyString({ ...base, firstInitial: 'I' }));
    expect(identityKeyString({ ...base, firstName: 'Ĳsbrand', firstInitial: 'IJ.' })).toMatch(/\|i$/);
    expect(identityKeyString({ ...base, firstName: 'Synthia', firstInitial: 's' })).toMatch(/\|s$/);
  });

  it('folds names as documented', () => {
    expect(foldName('  ÀÉÎÕÜ  Łđðþı ')).toBe('aeiou lddthi');
  });
});

describe('refusals', () => {
  const refuses = (input: unknown, field: string, pattern?: RegExp): void => {
    let error: unknown;
    try {
      identityKeyString(input as IdentityInput);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IdentityNormalisationError);
    expect((error as IdentityNormalisationError).field).toBe(field);
    if (pattern) expect((error as Error).message).toMatch(pattern);
  };

  it('refuses invalid BSNs without echoing them', () => {
    const bsn = syntheticBsn();
    const wrong = bsn.slice(0, 8) + String((Number(bsn[8]) + 1) % 10);
    for (const value of [wrong, '000000000', bsn.slice(0, 7), `${bsn}1`, `${bsn.slice(0, 8)}x`, `${bsn.slice(0, 4)}-${bsn.slice(4)}`]) {
      let message = '';
      try {
        identityKeyString({ bsn: value });
      } catch (err) {
        expect(err).toBeInstanceOf(IdentityNormalisationError);
        message = (err as Error).message;
      }
      expect(message).toMatch(/^bsn: /);
      expect(message).not.toContain(value);
      expect(message).not.toContain(bsn.slice(0, 8));
    }
    refuses({ bsn: Number(bsn) }, 'bsn', /string/);
  });

  it.each([
    ['2011-02-29', /calendar/],
    ['2012-02-30', /calendar/],
    ['2011-13-01', /calendar/],
    ['2011-00-10', /calendar/],
    ['04-03-2011', /YYYY-MM-DD/],
    ['2011-3-4', /YYYY-MM-DD/],
    ['1899-12-31', /1900/],
  ])('refuses birth date %s', (birthDate, pattern) => {
    refuses({ surname: 'Testpersoon', birthDate, firstInitial: 's' }, 'birthDate', pattern);
  });

  it('accepts 29 February in a leap year', () => {
    expect(naw('Testpersoon', { birthDate: '2012-02-29' })).toContain('|2012-02-29|');
  });

  it('refuses surnames that are not names, and missing or conflicting initials', () => {
    refuses({ surname: 'Test2persoon', birthDate: '2011-03-04', firstInitial: 's' }, 'surname', /letters/);
    refuses({ surname: 'Test|persoon', birthDate: '2011-03-04', firstInitial: 's' }, 'surname');
    refuses({ surname: ' - ', birthDate: '2011-03-04', firstInitial: 's' }, 'surname');
    refuses({ surname: 'Testpersoon', birthDate: '2011-03-04' }, 'firstName');
    refuses({ surname: 'Testpersoon', birthDate: '2011-03-04', firstInitial: '.' }, 'firstInitial');
    refuses({ surname: 'Testpersoon', birthDate: '2011-03-04', firstName: 'Synthia', firstInitial: 'T' }, 'firstInitial');
    refuses({ bsn: syntheticBsn(), surname: 'Testpersoon' }, 'input', /not both/);
    refuses(null, 'input');
  });
});

// ---------------------------------------------------------------- properties



/** A synthetic surname core: one made-up word. */
const coreArb = fc.stringMatching(/^[a-z]{3,12}$/);
const dateArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const initialArb = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split(''));
const particleArb = fc.constantFrom('', 'van', 'van der', 'van den', 'de', "'t", "in 't", 'ter', 'uit de', 'op de', 'von', 'd’');

const ACCENTS: Record<string, string[]> = {
  a: ['á', 'à', 'ä', 'â', 'å'],
  e: ['é', 'è', 'ë', 'ê', 'e\u0301'],
  i: ['í', 'ï', 'î'],
  o: ['ó', 'ö', 'ô', 'ø', 'o\u0308'],
  u: ['ú', 'ü', 'û'],
  c: ['ç'],
  n: ['ñ'],
};

/** Spells a core differently: case, diacritics, and separators between chunks. */
const spellingArb = (core: string) =>
  fc
    .record({
      upper: fc.array(fc.boolean(), { minLength: core.length, maxLength: core.length }),
      accent: fc.array(fc.nat(), { minLength: core.length, maxLength: core.length }),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, core.length - 1) }), { maxLength: 2 }),
      separator: fc.constantFrom(' ', '-', "'", ' - ', '  ', '’'),
    })
    .map(({ upper, accent, cuts, separator }) => {
      const firstChunk = core.slice(0, Math.min(...cuts, core.length));
      // A chunk that reads as a tussenvoegsel at the front ("de kker", or "l'" as in
      // L'Abbé) would rightly be removed, so such cuts are not equivalent spellings.
      const particleFront = TUSSENVOEGSELS.includes(firstChunk) || TUSSENVOEGSELS.includes(`${firstChunk}'`);
      const safeCuts = particleFront ? [] : [...cuts].sort((a, b) => a - b);
      let out = '';
      for (let i = 0; i < core.length; i++) {
        if (safeCuts.includes(i)) out += separator;
        const ch = core[i]!;
        const options = ACCENTS[ch];
        let spelled = options && accent[i]! % 3 === 0 ? options[accent[i]! % options.length]! : ch;
        if (upper[i]) spelled = spelled.toUpperCase();
        out += spelled;
      }
      return out;
    });

describe('properties', () => {
  it('gives the same key for any spacing or dots in a BSN, and for the 8-digit form', () => {
    fc.assert(
      fc.property(bsnArb, fc.array(fc.constantFrom('', ' ', '.', '  '), { minLength: 10, maxLength: 10 }), (bsn, seps) => {
        const spaced = bsn.split('').map((d, i) => seps[i] + d).join('') + seps[9];
        expect(identityKeyString({ bsn: spaced })).toBe(`jpp-id:v1:bsn:${bsn}`);
        if (bsn.startsWith('0')) expect(identityKeyString({ bsn: bsn.slice(1) })).toBe(`jpp-id:v1:bsn:${bsn}`);
      }),
    );
  });

  it('gives different keys for different BSNs', () => {
    fc.assert(
      fc.property(bsnArb, bsnArb, (a, b) => {
        fc.pre(a !== b);
        expect(identityKeyString({ bsn: a })).not.toBe(identityKeyString({ bsn: b }));
      }),
    );
  });

  it('refuses every BSN with one digit changed (the 11-proef catches single-digit errors)', () => {
    fc.assert(
      fc.property(bsnArb, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (bsn, pos, delta) => {
        const changed = bsn.slice(0, pos) + String((Number(bsn[pos]) + delta) % 10) + bsn.slice(pos + 1);
        expect(() => identityKeyString({ bsn: changed })).toThrow(IdentityNormalisationError);
      }),
    );
  });

  it('gives the same key for equivalent spellings of a name identity', () => {
    fc.assert(
      fc.property(
        coreArb.chain((core) =>
          fc.tuple(fc.constant(core), spellingArb(core), particleArb, fc.boolean(), dateArb, initialArb, fc.boolean()),
        ),
        ([core, spelled, particle, separately, birthDate, initial, useName]) => {
          const canonical = identityKeyString({ surname: core, birthDate, firstInitial: initial });
          const first = useName ? { firstName: `${initial.toUpperCase()}ynthetica` } : { firstInitial: `${initial.toUpperCase()}.` };
          const variant: IdentityInput = separately
            ? { surname: spelled, tussenvoegsel: particle.toUpperCase(), birthDate, ...first }
            : { surname: `${particle} ${spelled}`, birthDate, ...first };
          expect(identityKeyString(variant)).toBe(canonical);
        },
      ),
    );
  });

  it('gives different keys for different birth dates or initials', () => {
    fc.assert(
      fc.property(coreArb, dateArb, dateArb, initialArb, initialArb, (surname, d1, d2, i1, i2) => {
        fc.pre(d1 !== d2 || i1 !== i2);
        expect(identityKeyString({ surname, birthDate: d1, firstInitial: i1 })).not.toBe(
          identityKeyString({ surname, birthDate: d2, firstInitial: i2 }),
        );
      }),
    );
  });

  it('never lets a name key look like a BSN key, and keeps the separators unambiguous', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), dateArb, initialArb, (surname, birthDate, initial) => {
        let key: string;
        try {
          key = identityKeyString({ surname, birthDate, firstInitial: initial });
        } catch (err) {
          expect(err).toBeInstanceOf(IdentityNormalisationError);
          return;
        }
        expect(key).toMatch(/^jpp-id:v1:naw:\p{L}+\|\d{4}-\d{2}-\d{2}\|\p{L}$/u);
      }),
    );
  });
});
