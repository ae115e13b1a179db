import { describe, expect, it } from 'vitest';
import { findIdentityValues, identityReason, passesElfproef } from '../../protocol/identity/identity-detector.js';
import { syntheticBsn } from '../support/synthetic.js';

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

describe('identity-looking values', () => {
  it.each([
    ['bsn', () => syntheticBsn(), /BSN/],
    ['bsn in text', () => `dossier ${syntheticBsn()} open`, /BSN/],
    ['bsn with spaces', () => syntheticBsn().replace(/(\d{3})(?=\d)/g, '$1 '), /BSN/],
    ['e-mail', () => 'a.b@c.nl', /e-mail/],
    ['iso date', () => '2010-02-28', /date/],
    ['compact date', () => 'ref20100228', /date/],
    ['dutch date', () => '28-2-2010', /date/],
  ])('flags %s', (_l, make, reason) => expect(identityReason(make())).toMatch(reason));

  it.each(['HALT-abcdefgh', 'zaak:2024:0001', 'k7Hq-Yz', 'x-1234', 'casus-0042'])('lets %s pass', (v) => {
    expect(identityReason(v)).toBeNull();
  });

  it('scans only the named fields and points at them without echoing the value', () => {
    const bsn = syntheticBsn();
    const found = findIdentityValues({ ref: bsn, subject: bsn, list: [{ ref: 'ok' }, { ref: 'x@y.nl' }] }, new Set(['ref']));
    expect(found.map((f) => f.pointer)).toEqual(['/ref', '/list/1/ref']);
    expect(JSON.stringify(found)).not.toContain(bsn);
  });
});

describe('case numbers', () => {
  it('does not join digit groups across hyphens', () => {
    expect(identityReason('ZVH-2026-0003')).toBeNull();
    expect(identityReason('ZVH-20260003')).toMatch(/BSN/);
  });
});
