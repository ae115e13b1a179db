/**
 * The closed list of signal categories. `schemas/signal-category.schema.json` is the
 * source; this type must list the same values (a test checks that they agree).
 */
export const SIGNAL_CATEGORIES = [
  'politie-registratie',
  'boa-registratie',
  'halt-afdoening',
  'leerplicht-verzuim',
  'jeugdreclassering-toezicht',
  'rvdk-onderzoek',
  'zorgsignaal',
  'jeugdhulp-traject',
  'jongerenwerk-contact',
  'preforensisch-traject',
] as const;

export type SignalCategory = (typeof SIGNAL_CATEGORIES)[number];
