import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  findIdentityInProse,
  findIdentityValues,
  identityFormIn,
  identityReason,
  identityReasonFor,
  passesElfproef,
} from '../../protocol/identity/identity-detector.js';
import { syntheticBsn } from '../support/synthetic.js';
import corpus from '../fixtures/case-number-formats.json' with { type: 'json' };
import {
  birthDateForm,
  bsnForm,
  emailAddress,
  iban,
  identityInIdentifier,
  identityInProse,
  nameWithDate,
  namedBirthDate,
  phoneNumber,
  postcodeAddress,
} from '../fixtures/identity-forms.js';
import { MIN_DIGITS } from '../../protocol/identity/identity-rules.js';
import { maskCaseNumbers } from '../../protocol/identity/case-numbers.js';
import { findBsnForms } from '../../protocol/identity/bsn-forms.js';
import { findEmailAddresses } from '../../protocol/identity/email-address.js';
import { findIbans } from '../../protocol/identity/iban.js';
import { findPhoneNumbers } from '../../protocol/identity/phone-number.js';
import { findPostcodeAddresses } from '../../protocol/identity/postcode-address.js';
import { findDates, findShortYearDates, hasDate } from '../../protocol/identity/date-forms.js';
import { nameBeside, namedAsBirthDate } from '../../protocol/identity/person-name.js';

describe('11-proef', () => {
  it('accepts generated BSNs and rejects each with one digit changed', () => {
    for (let i = 0; i < 200; i++) {
      const bsn = syntheticBsn();
      expect(passesElfproef(bsn)).toBe(true);
      const changed = bsn.slice(0, 8) + String((Number(bsn[8]) + 1) % 10);
      expect(passesElfproef(changed)).toBe(false);
    }
  });
  it.each(['000000000', '12345678a', '1234567', '1234567890'])('rejects %s', (v) => expect(passesElfproef(v)).toBe(false));
});

describe('identity-looking identifiers', () => {
  const bsn = syntheticBsn();
  it.each([
    ['bsn', bsn, /BSN/],
    ['bsn in text', `dossier ${bsn} open`, /BSN/],
    ['bsn with spaces', bsn.replace(/(\d{3})(?=\d)/g, '$1 '), /BSN/],
    ['bsn with hyphens', bsn.replace(/(\d{3})(?=\d)/g, '$1-'), /BSN/],
    ['bsn as 4-2-3 with dots', `${bsn.slice(0, 4)}.${bsn.slice(4, 6)}.${bsn.slice(6)}`, /BSN/],
    ['e-mail', 'a.b@c.nl', /e-mail/],
    ['iso date', '2010-02-28', /date/],
    ['compact date', 'ref20100228', /date/],
    ['dutch date', '28-2-2010', /date/],
    ['date with a month name', '28 februari 2010', /date/],
    ['mobile number', '06-12345678', /phone/],
    ['landline', '010-1234567', /phone/],
    ['international number', '+44 20 7946 0958', /phone/],
    ['postcode with house number', '1234ab12', /postcode/],
    ['IBAN', 'NL91ABNA0417164300', /IBAN/],
  ])('flags %s', (_l, value, reason) => expect(identityReason(value)).toMatch(reason));

  it.each(['HALT-abcdefgh', 'zaak:2024:0001', 'k7Hq-Yz', 'x-1234', 'casus-0042', 'NL91ABNA1417164301', '1234AB', '0000012345'])('lets %s pass', (v) => {
    expect(identityReason(v)).toBeNull();
  });

  it('scans only the named fields and points at them without echoing the value', () => {
    const found = findIdentityValues({ ref: bsn, subject: bsn, list: [{ ref: 'ok' }, { ref: 'x@y.nl' }] }, new Set(['ref']));
    expect(found.map((f) => f.pointer)).toEqual(['/ref', '/list/1/ref']);
    expect(JSON.stringify(found)).not.toContain(bsn);
  });

  it('reads each field by its kind: a date is refused in a ref, not in a note unless a name stands beside it', () => {
    const fields = new Map([['ref', 'identifier'], ['note', 'prose']] as const);
    expect(findIdentityValues({ ref: 'x-2026-03-12', note: 'per 12-03-2026 in werking' }, fields).map((f) => f.pointer)).toEqual(['/ref']);
    const named = findIdentityValues({ note: 'Jan Jansen 12-03-2011' }, fields);
    expect(named).toEqual([{ pointer: '/note', code: 'identity', detail: expect.stringMatching(/name beside a date.*write no identity/) }]);
  });

  it('walks a body nested 100,000 levels deep without overflowing the stack', () => {
    let deep: unknown = { ref: bsn };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const found = findIdentityValues(deep, new Set(['ref']));
    expect(found).toHaveLength(1);
    expect(found[0]!.pointer).toBe(`${'/0'.repeat(100_000)}/ref`);
  });
});

describe('the corpus of case numbers that must pass', () => {
  it.each(corpus.formats.map((f) => [f.value, f.system]))('accepts %s (%s) as an identifier', (value) => {
    expect(identityFormIn(value, 'identifier')).toBeNull();
  });
  it.each(corpus.formats.map((f) => [f.value]))('accepts %s inside prose', (value) => {
    expect(findIdentityInProse(`Casus ${value} besproken in het casusoverleg.`)).toBeNull();
  });
  it.each(corpus.prose.map((p) => [p]))('accepts the prose %s', (text) => {
    expect(findIdentityInProse(text)).toBeNull();
  });
  it('accepts a gerechtshof number whose digits pass the 11-proef, only with its /01 suffix', () => {
    let digits = '';
    for (let n = 200_000_000; !digits; n++) if (passesElfproef(String(n))) digits = String(n);
    const dotted = `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`;
    expect(identityReason(`${dotted}/01`)).toBeNull();
    expect(identityReason(dotted)).toMatch(/BSN/);
  });
});

describe('the corpus of identities that must not pass', () => {
  const identifierContexts = [(x: string) => x, (x: string) => `ref-${x}`, (x: string) => `${x}-a`, (x: string) => `dossier ${x}`];
  const proseContexts = [(x: string) => x, (x: string) => `Notitie: ${x} besproken.`, (x: string) => `Overleg (${x}) gepland`];

  it.each([
    ['BSN spellings', bsnForm],
    ['dates of birth', birthDateForm],
    ['e-mail addresses', emailAddress],
    ['phone numbers', phoneNumber],
    ['postcodes with house number', postcodeAddress(true)],
    ['IBANs', iban],
  ])('refuses %s in identifiers, in every context', (_label, arbitrary) => {
    fc.assert(
      fc.property(arbitrary as fc.Arbitrary<string>, fc.constantFrom(...identifierContexts), (identity, context) => {
        expect(identityReasonFor(context(identity), 'identifier'), context(identity)).not.toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['BSN spellings', bsnForm],
    ['names beside dates', nameWithDate],
    ['dates called a date of birth', namedBirthDate],
    ['e-mail addresses', emailAddress],
    ['phone numbers', phoneNumber],
    ['postcodes with house number', postcodeAddress(false)],
    ['IBANs', iban],
  ])('refuses %s in prose, in every context', (_label, arbitrary) => {
    fc.assert(
      fc.property(arbitrary as fc.Arbitrary<string>, fc.constantFrom(...proseContexts), (identity, context) => {
        expect(findIdentityInProse(context(identity)), context(identity)).not.toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('lets no generated identity of any form pass, as identifier or as prose', () => {
    fc.assert(fc.property(identityInIdentifier, (v) => identityReasonFor(v, 'identifier') !== null), { numRuns: 2000 });
    fc.assert(fc.property(identityInProse, (v) => identityReasonFor(v, 'prose') !== null), { numRuns: 2000 });
  });

  it('never repeats the value in a reason', () => {
    fc.assert(
      fc.property(identityInProse, (v) => {
        const reason = identityReasonFor(v, 'prose')!;
        return !reason.includes(v) && !/\d{3}/.test(reason);
      }),
    );
  });
});

describe('speed', () => {
  it('reads a 500 kB rules text in well under a second', () => {
    const line = 'p, r12, voorzitter, jpp-bevraging, politie, geweld, bevragen, allow, Wpg art. 19 lid 1 sub a (Stb. 2025, 80) per 1-3-2025\n';
    const text = line.repeat(Math.ceil(500_000 / line.length));
    const started = performance.now();
    expect(findIdentityInProse(text)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['one long run of digits', '1'.repeat(500_000)],
    ['one long token without @', 'Ab1-_'.repeat(100_000)],
    ['digit groups', '1.'.repeat(250_000)],
    ['international prefixes', '+0'.repeat(250_000)],
    ['dates without names', '12-03-2025 '.repeat(45_000)],
  ])('reads 500 kB of %s in linear time (well under two seconds)', (_label, text) => {
    const started = performance.now();
    findIdentityInProse(text);
    identityReason(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

/** Every finder on every value, as identity-rules.ts did before it counted digits: the reference for MIN_DIGITS. */
function everyFinder(value: string, kind: 'identifier' | 'prose'): string | null {
  const text = maskCaseNumbers(value);
  if (findBsnForms(text).length > 0) return 'bsn';
  if (findEmailAddresses(text).length > 0) return 'email';
  if (findIbans(text).length > 0) return 'iban';
  if (findPhoneNumbers(text).length > 0) return 'phone';
  if (findPostcodeAddresses(text, kind === 'prose').length > 0) return 'postcode-address';
  const dates = findDates(text);
  if (kind === 'identifier') return dates.length > 0 ? 'date' : null;
  for (const span of [...dates, ...findShortYearDates(text)]) {
    if (namedAsBirthDate(text, span)) return 'birth-date';
    if (nameBeside(text, span)) return 'name-with-date';
  }
  return null;
}

/** The walk as it was before it skipped unread leaves and built pointers lazily: the reference for findIdentityValues. */
function walkEverything(body: unknown, fields: ReadonlySet<string>): Array<{ pointer: string; detail: string }> {
  const found: Array<{ pointer: string; detail: string }> = [];
  const stack: Array<{ value: unknown; pointer: string; key: string | null }> = [{ value: body, pointer: '', key: null }];
  while (stack.length > 0) {
    const { value, pointer, key } = stack.pop()!;
    if (typeof value === 'string') {
      const reason = key !== null && fields.has(key) ? identityReasonFor(value, 'identifier') : null;
      if (reason) found.push({ pointer: pointer || '/', detail: `${reason}; this field must be opaque` });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: `${pointer}/${i}`, key });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        stack.push({ value: v, pointer: `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, key: k });
      }
    }
  }
  return found;
}

describe('skipping finders by the number of digits (MIN_DIGITS) refuses exactly what every finder refuses', () => {
  // Mostly digits (so that the values spread over 0 to 12 digits, across every bound), their separators and prefixes,
  // letters of postcodes and IBAN country codes, month names, the words of a birth date, a name, case-number prefixes.
  const piece = fc.oneof(
    { arbitrary: fc.constantFrom(...'0123456789'.split('')), weight: 8 },
    { arbitrary: fc.constantFrom(' ', '-', '.', '/', '+', '(0)', '(', ')', '@', '00', '06'), weight: 3 },
    { arbitrary: fc.constantFrom('AB', 'ab', 'NL', 'QA', 'GB', 'SA', 'maart', 'mrt', 'januari', 'e ', 'geboren ', 'geb. ', 'Jan Jansen ', 'de ', 'GCOS-', 'HALT-', 'x', 'a.b', '.nl', '_', ':'), weight: 2 },
  );
  const valueFrom = fc.array(piece, { maxLength: 16 }).map((p) => p.join(''));

  it('on generated values of 0 to 16 pieces, as identifier and as prose', () => {
    fc.assert(
      fc.property(valueFrom, (v) => {
        expect(identityFormIn(v, 'identifier'), v).toBe(everyFinder(v, 'identifier'));
        expect(identityFormIn(v, 'prose'), v).toBe(everyFinder(v, 'prose'));
      }),
      { numRuns: 20_000 },
    );
  });

  it('hasDate says what findDates finds, on generated values and on dates of birth', () => {
    fc.assert(fc.property(valueFrom, (v) => hasDate(v) === findDates(v).length > 0), { numRuns: 20_000 });
    fc.assert(fc.property(birthDateForm, (v) => hasDate(`ref-${v}`) === findDates(`ref-${v}`).length > 0 && hasDate(`ref-${v}`)), { numRuns: 1000 });
  });

  it('on the corpus of identities, in every context', () => {
    fc.assert(fc.property(identityInIdentifier, (v) => identityFormIn(v, 'identifier') === everyFinder(v, 'identifier')), { numRuns: 2000 });
    fc.assert(fc.property(identityInProse, (v) => identityFormIn(v, 'prose') === everyFinder(v, 'prose')), { numRuns: 2000 });
  });

  it.each([
    ['a phone number of 8 digits (MIN_DIGITS.phone)', '+12345678', 'identifier', 'phone', MIN_DIGITS.phone],
    ['a postcode with house number of 5 digits', '1234AB 5', 'identifier', 'postcode-address', MIN_DIGITS.postcodeAddress],
    ['a date of 5 digits', '1 maart 2010', 'identifier', 'date', MIN_DIGITS.date],
    ['a short-year date of birth of 4 digits', 'geboren 1-3-10', 'prose', 'birth-date', MIN_DIGITS.shortYearDate],
  ] as const)('still finds %s: each bound is reached by a real form', (_label, value, kind, form, bound) => {
    expect(value.replace(/\D/g, '')).toHaveLength(bound);
    expect(identityFormIn(value, kind)).toBe(form);
    expect(everyFinder(value, kind)).toBe(form);
  });

  it('still finds a BSN of 8 digits (MIN_DIGITS.bsn)', () => {
    let eight = '';
    for (let n = 10_000_000; !eight; n++) if (passesElfproef(String(n))) eight = String(n);
    expect(MIN_DIGITS.bsn).toBe(8);
    expect(identityFormIn(`dossier ${eight}`, 'identifier')).toBe('bsn');
  });
});

describe('findIdentityValues reports what walking every value reports, in the same order', () => {
  const keys = fc.constantFrom('ref', 'batchId', 'subject', 'signals', 'a/b', '~r', 'x');
  const leaf = fc.oneof(
    fc.constantFrom('a.b@c.nl', '06-12345678', '2010-02-28', 'store-bench-12-345', 'HALT-0042', '1234AB 12', 'NL91ABNA0417164300'),
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const { body } = fc.letrec((tie) => ({
    body: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('body'), { maxLength: 4 }), fc.dictionary(keys, tie('body'), { maxKeys: 5 })),
  }));

  it('on generated bodies', () => {
    const fields = new Set(['ref', 'batchId', 'a/b', '~r']);
    fc.assert(
      fc.property(body, (b) => {
        expect(findIdentityValues(b, fields).map(({ pointer, detail }) => ({ pointer, detail }))).toEqual(walkEverything(b, fields));
      }),
      { numRuns: 3000 },
    );
  });

  it('on a batch of a thousand signals with a few identities among the refs', () => {
    const signals = Array.from({ length: 1000 }, (_, i) => ({ subject: 'x'.repeat(43), epoch: 1, category: 'c', registeredAt: '2026-01-01', expiresAt: '2026-09-01', ref: i % 97 ? `store-bench-3-${i}` : `ref-${syntheticBsn()}` }));
    const batch = { batchId: 'b-1', signals };
    const found = findIdentityValues(batch, new Set(['ref', 'batchId']));
    expect(found.length).toBeGreaterThan(0);
    expect(found.map(({ pointer, detail }) => ({ pointer, detail }))).toEqual(walkEverything(batch, new Set(['ref', 'batchId'])));
  });
});
