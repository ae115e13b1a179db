/**
 * Case numbers of Dutch case systems that would otherwise look like an identity, and so are
 * taken out of a value before the identity forms are looked for (identity-rules.ts). Case
 * numbers are not identities: they name a case, and the broker stores the ZVH's own as
 * `caseRef` (docs/identity-detection.md lists the formats and where each was seen).
 *
 * Only forms that collide with an identity form are listed; every other format passes the
 * detectors as it is (ZVH-2026-0112, 2026/0112, JPP-SG-2026-017, MS-2026-0201, ECLI:NL:RBLIM:
 * 2020:4683, PL1300-2016012345), which the corpus in test/fixtures proves.
 *
 * Invariants:
 * - Each form is anchored on what only a case number has (a system prefix in capitals, the
 *   parketnummer's 2 + 6 + 2 digits, the gerechtshof's /01 suffix), so that no BSN, phone
 *   number or date in its usual spelling is taken for one.
 * - What a form takes out is replaced by characters that no detector reads (#), so text on
 *   either side is not joined.
 */

/**
 * - OM parketnummer: parket code, six digits, year: 03/123456-26, 09-173943-23, 16.230344.23
 *   (its 2 + 6 + 2 digits would read as a Dutch phone number 0x-xxxxxx-xx).
 * - Gerechtshof zaaknummer: 200.340.397/01, 200.340.397_01 (3 + 3 + 3 digits, a BSN's spelling,
 *   but always with the /01 or _01 suffix).
 * - A system prefix in capitals with the registration date as 8 digits, optionally a
 *   sequence: GCOS-20260315, GCOS-20260315-12, ZSM-20260315-004 (the 8 digits would read as a
 *   date, or as a BSN whose leading zero was dropped).
 */
const CASE_NUMBER_FORMS: readonly RegExp[] = [
  /(?<![\d/.-])\d{2}[/.-]\d{6}[/.-]\d{2}(?![\d])/g,
  /(?<![\d.])\d{3}\.\d{3}\.\d{3}[/_]\d{2}(?![\d])/g,
  /(?<![A-Za-z0-9])[A-Z]{2,6}(?:-[A-Z]{2,4})*-(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:-\d{1,6})?(?![\dA-Za-z])/g,
];

/** `text` with every case number of the forms above replaced by #, keeping every other character where it was. */
export function maskCaseNumbers(text: string): string {
  let masked = text;
  for (const form of CASE_NUMBER_FORMS) masked = masked.replace(form, (m) => '#'.repeat(m.length));
  return masked;
}
