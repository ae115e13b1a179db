/**
 * The identity inputs of a form that client/pseudonymise.ts pseudonymises: a BSN, or surname,
 * tussenvoegsel, birth date and first name. None of them has a `name`, so a browser never
 * submits them; each carries `data-identity` (so the script can empty it before sending) and
 * `data-field` (which part of the identity it is).
 *
 * A form holds one identity block, or (a group casus) several: each block is a fieldset with
 * `data-identity-block` and its own hidden `subject` field, which the script fills with the
 * block's pseudonyms (one per active key epoch, joined by commas: subjectOfField). Block 1 has plain ids (`id-bsn`); block n > 1 has ids ending in `-n`.
 */
import { html, Html } from '../html.js';
import type { WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import type { KeysView } from '../../custodian/custodian.service.js';

/**
 * The key epochs a form pseudonymises under: every active epoch of the custodian (not retired),
 * the current one first, as `epoch:publicKey` pairs separated by spaces, pinned in the page (the
 * browser checks each proof against them). During a key rotation's overlap window a youth has
 * a pseudonym under each, and partners' signals may be under either, so the browser computes
 * them all and the question, casus or report names the youth by all of them, exactly like the
 * API given every pseudonym (docs/pseudonymisation.md#key-rotation).
 */
export function keysAttribute(keys: KeysView): Html {
  const active = keys.epochs.filter((e) => e.retiredAt === null).sort((a, b) => (a.epoch === keys.current ? -1 : b.epoch === keys.current ? 1 : b.epoch - a.epoch));
  return html`data-keys="${active.map((e) => `${e.epoch}:${e.publicKey}`).join(' ')}"`;
}

/**
 * The attributes that make a form pseudonymise its identity blocks: the custodian's active key
 * epochs (keysAttribute), and the doel when the form has no `doel` field. Undefined when no
 * custodian is configured.
 */
export async function pseudonymiseAttributes(custodian: WebCustodian | undefined, doel?: string): Promise<Html | undefined> {
  if (!custodian) return undefined;
  return html`data-pseudonymise${doel ? html` data-doel="${doel}"` : ''} ${keysAttribute(await custodian.keys())} novalidate`;
}

/**
 * One identity block's `subject` field as the services take it: one pseudonym, or (a key
 * rotation's overlap window) the pseudonyms under every active epoch, which the browser joins
 * with commas (base64url has none). Undefined when the field is missing or empty.
 */
export function subjectOfField(value: unknown): string | string[] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parts = value.split(',').map((p) => p.trim());
  return parts.length === 1 ? parts[0] : parts;
}

/** Doelen one may open a casus or ask for: not the rights doel, under which only inzage and bezwaar pseudonymise. */
export function askableDoelen(ctx: WebContext, role?: string): ReadonlyArray<{ id: string; name: string }> {
  // With a role: only the doelen the platform file gives that role (the access gate refuses the others).
  const ofRole = role === undefined ? undefined : new Set(ctx.platform.roles.find((r) => r.id === role)?.doelen ?? []);
  return ctx.platform.doelen.filter((d) => d.id !== 'jpp-rechten-betrokkenen' && (!ofRole || ofRole.has(d.id)));
}

export interface IdentityBlockOptions {
  /** 1-based number of the block in its form; 1 by default. A string is a template placeholder. */
  readonly number?: number | string;
  /** The fieldset's legend; "Wie is de jongere?" by default. */
  readonly legend?: string;
  /** Rendered inside the legend's fieldset after the inputs (e.g. a remove button). */
  readonly extra?: Html;
  /**
   * An age field (`name="age"`, whole years on the day of aanmelding) after the identity: it is no
   * identity, so the browser sends it; the broker keeps only its band. `doelgroep` is shown as hint.
   */
  readonly age?: { readonly value?: string; readonly doelgroep: { readonly minAge: number; readonly maxAge: number } };
}

export function identityFields(o: IdentityBlockOptions = {}): Html {
  const n = o.number ?? 1;
  const sfx = n === 1 ? '' : `-${n}`;
  const hintId = `id-hint${sfx}`;
  return html`<fieldset data-identity-block data-number="${n}" aria-describedby="${hintId}">
  <legend>${o.legend ?? 'Wie is de jongere?'}</legend>
  <input type="hidden" name="subject" value="">
  <p class="hint" id="${hintId}">Wat u hier typt, blijft in uw browser. Uw browser maakt er met de sleutelbeheerder een pseudoniem van; alleen dat pseudoniem wordt verstuurd.</p>
  <div class="field"><span><input type="radio" name="identityKind${sfx}" id="kind-bsn${sfx}" value="bsn" data-identity-kind checked> <label for="kind-bsn${sfx}">Met BSN</label></span>
  <span><input type="radio" name="identityKind${sfx}" id="kind-naam${sfx}" value="naam" data-identity-kind> <label for="kind-naam${sfx}">Zonder BSN: naam en geboortedatum</label></span></div>
  <div data-identity-group="bsn">
    <div class="field">
      <label for="id-bsn${sfx}">BSN</label>
      <input type="text" id="id-bsn${sfx}" inputmode="numeric" autocomplete="off" data-identity data-field="bsn">
    </div>
  </div>
  <div data-identity-group="naam" hidden>
    <div class="form-grid">
      <div class="field"><label for="id-surname${sfx}">Achternaam</label><input type="text" id="id-surname${sfx}" autocomplete="off" data-identity data-field="surname"></div>
      <div class="field"><label for="id-tussenvoegsel${sfx}">Tussenvoegsel (als dat er is)</label><input type="text" id="id-tussenvoegsel${sfx}" autocomplete="off" data-identity data-field="tussenvoegsel"></div>
      <div class="field"><label for="id-firstname${sfx}">Voornaam</label><input type="text" id="id-firstname${sfx}" autocomplete="off" data-identity data-field="firstName"></div>
      <div class="field"><label for="id-birthdate${sfx}">Geboortedatum</label><input type="date" id="id-birthdate${sfx}" autocomplete="off" data-identity data-field="birthDate"></div>
    </div>
  </div>
  <p class="utrecht-form-field-error-message" data-pseudonymise-error tabindex="-1" role="alert" hidden></p>
  ${o.age ? ageField(sfx, o.age) : ''}
  ${o.extra ?? ''}
</fieldset>`;
}

function ageField(sfx: string, a: NonNullable<IdentityBlockOptions['age']>): Html {
  return html`<div class="field"><label for="age${sfx}">Leeftijd op de dag van aanmelding (in hele jaren)</label>
    <span class="hint" id="age-hint${sfx}">Geen geboortedatum: alleen de leeftijd. De doelgroep van dit platform is ${a.doelgroep.minAge} tot en met ${a.doelgroep.maxAge} jaar.</span>
    <input type="number" id="age${sfx}" name="age" min="0" max="120" step="1" inputmode="numeric" autocomplete="off" aria-describedby="age-hint${sfx}" value="${a.value ?? ''}"></div>`;
}

/** Placeholder of a block's number in the template that client/pseudonymise.ts clones. */
export const BLOCK_NUMBER = '__NR__';

/**
 * Identity blocks for a group: `count` blocks, a template for more, and a button that adds one
 * (up to `max`) and one that removes the last (never below one). The buttons work with JavaScript only,
 * as pseudonymising does.
 */
export function identityBlocks(count: number, max: number, age?: { values: readonly string[]; doelgroep: { minAge: number; maxAge: number } }): Html {
  const legend = (n: number | string): string => `Jongere ${n}`;
  const ageOf = (i: number): IdentityBlockOptions['age'] => (age ? { doelgroep: age.doelgroep, ...(age.values[i] !== undefined ? { value: age.values[i] } : {}) } : undefined);
  return html`<div data-identity-blocks data-max="${max}">
${Array.from({ length: count }, (_, i) => identityFields({ number: i + 1, legend: legend(i + 1), ...(age ? { age: ageOf(i)! } : {}) }))}
</div>
<template data-identity-template>${identityFields({ number: BLOCK_NUMBER, legend: legend(BLOCK_NUMBER), ...(age ? { age: { doelgroep: age.doelgroep } } : {}) })}</template>
<p class="button-row"><button type="button" class="utrecht-button utrecht-button--secondary-action" data-add-identity>Nog een jongere toevoegen</button>
<button type="button" class="utrecht-button utrecht-button--subtle" data-remove-identity hidden>Laatste jongere weghalen</button></p>
<p class="hint" data-identity-count aria-live="polite"></p>`;
}
