/**
 * The 11-proef, the checksum every BSN satisfies: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is
 * divisible by 11. One implementation for the broker (refusing identity-looking values)
 * and for adapters and browsers (checking a BSN before pseudonymising it); no Node APIs.
 */

/** Whether 8 or 9 digits pass the 11-proef (8 digits get their leading zero back). All zeros never pass. */
export function passesElfproef(digits: string): boolean {
  if (!/^\d{8,9}$/.test(digits)) return false;
  const d = digits.padStart(9, '0');
  if (/^0+$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * (9 - i);
  sum -= Number(d[8]);
  return sum % 11 === 0;
}
