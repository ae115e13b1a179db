/**
 * Browser: pseudonymises the typed identities of a form (BSN, or surname + birth date + first
 * name) before it is sent. Runs the same code as the partners' adapters
 * (adapters/pseudonymisation): normalise, blind (RFC 9497 VOPRF), have the custodian evaluate
 * the blinded elements through the broker's web endpoint, verify the custodian's proof against
 * the key the page pinned, and finalise. Only the pseudonyms go into the form.
 *
 * A form holds one identity block or several (a group casus: identity-fields.ts); each block's
 * pseudonym goes into that block's hidden `subject` field, and all blocks are evaluated in one
 * request. "Nog een jongere toevoegen" clones the form's template block.
 *
 * The form pins every active key epoch of the custodian (`data-keys`, identity-fields.ts); each
 * block's `subject` gets the pseudonym under each, current epoch first, joined by commas, so that
 * during a key rotation's overlap window the broker finds signals made under either epoch.
 *
 * Invariants:
 * - The identity inputs have no `name`, so the browser never submits them, with or without
 *   this script; they are emptied before the form is sent.
 * - The only requests this script sends hold blinded elements (uniformly random group
 *   elements, blinded afresh for each epoch), the key epoch and the doel.
 * - Nothing is sent unless every block holds a valid identity, and no youth twice.
 * - Nothing is sent while a named text field (a case number, a note) holds what looks like an
 *   identity, by the server's own rules (protocol/identity, bundled into this script): a case
 *   number or other single-line field is read as an identifier, a note or grondslag (a
 *   textarea, or a field named note, grondslag or *-grondslag) as prose. So a BSN typed into
 *   the wrong field does not leave the browser either. Forms without identity blocks get
 *   this guard with `data-guard-identity`.
 */
import { IdentityNormalisationError, identityKey, type IdentityInput } from '../../../protocol/pseudonymisation/normalise-identity.js';
import { createOprfClient, OprfVerificationError } from '../../../protocol/pseudonymisation/oprf-client.js';
import { base64UrlToBytes, bytesToBase64Url } from '../../../protocol/pseudonymisation/voprf-suite.js';
import { identityReasonFor, type ValueKind } from '../../../protocol/identity/identity-detector.js';
import { localUrl } from './base-path.js';

const FIELD_MESSAGES: Record<string, string> = {
  bsn: 'Het BSN klopt niet: het moet uit 9 cijfers bestaan en de elfproef doorstaan.',
  surname: 'Vul een geldige achternaam in (alleen letters, spaties, koppeltekens en apostrofs).',
  tussenvoegsel: 'Het tussenvoegsel klopt niet.',
  birthDate: 'Vul een geldige geboortedatum in (dag, maand en jaar tussen 1900 en 2099).',
  firstName: 'Vul een voornaam of voorletter in.',
  firstInitial: 'Vul een voornaam of voorletter in.',
  input: 'Vul een BSN in, of achternaam, geboortedatum en voornaam.',
};

/** A failure with a message for the user, shown in `block` (or the form's first block). */
class Refusal extends Error {
  constructor(
    message: string,
    readonly block?: HTMLElement,
  ) {
    super(message);
  }
}

const blocksOf = (form: HTMLFormElement): HTMLElement[] =>
  [...form.querySelectorAll<HTMLElement>('[data-identity-block]')].filter((b) => !b.closest('template'));

function value(block: HTMLElement, field: string): string {
  const el = block.querySelector<HTMLInputElement>(`[data-field="${field}"]`);
  return el ? el.value.trim() : '';
}

function identityOf(block: HTMLElement): IdentityInput {
  const kind = block.querySelector<HTMLInputElement>('input[data-identity-kind]:checked')?.value ?? 'bsn';
  if (kind === 'bsn') return { bsn: value(block, 'bsn') };
  const tussenvoegsel = value(block, 'tussenvoegsel');
  return {
    surname: value(block, 'surname'),
    birthDate: value(block, 'birthDate'),
    firstName: value(block, 'firstName'),
    ...(tussenvoegsel ? { tussenvoegsel } : {}),
  };
}

function clearErrors(form: HTMLFormElement): void {
  for (const box of form.querySelectorAll<HTMLElement>('[data-pseudonymise-error]')) {
    box.hidden = true;
    box.textContent = '';
  }
}

function showError(form: HTMLFormElement, message: string, block?: HTMLElement): void {
  const box = (block ?? blocksOf(form)[0])?.querySelector<HTMLElement>('[data-pseudonymise-error]');
  if (!box) return;
  box.hidden = false;
  box.textContent = message;
  box.focus();
}

/** The normalised identity of every block, or a refusal naming the block and the field. */
function identitiesOf(form: HTMLFormElement, blocks: HTMLElement[]): Uint8Array[] {
  const seen = new Map<string, number>();
  const label = (i: number): string => (blocks.length > 1 ? `Jongere ${i + 1}: ` : '');
  return blocks.map((block, i) => {
    let input: Uint8Array;
    try {
      input = identityKey(identityOf(block));
    } catch (err) {
      const msg = err instanceof IdentityNormalisationError ? (FIELD_MESSAGES[err.field] ?? FIELD_MESSAGES['input']!) : FIELD_MESSAGES['input']!;
      throw new Refusal(`${label(i)}${msg}`, block);
    }
    const key = bytesToBase64Url(input);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new Refusal(`Jongere ${i + 1} is dezelfde als jongere ${earlier + 1}. Haal één van beide weg.`, block);
    seen.set(key, i);
    return input;
  });
}

/** How the server reads a form field: free text as prose, anything else as an identifier. */
function kindOf(el: HTMLInputElement | HTMLTextAreaElement): ValueKind {
  return el instanceof HTMLTextAreaElement || /(?:^|-)(?:note|grondslag)$/.test(el.name) ? 'prose' : 'identifier';
}

/** Fields a person types text into (not dates, numbers, choices or hidden values). */
const TYPED_FIELDS = ['text', 'search', 'email', 'tel', 'url'].map((t) => `input[name][type="${t}"]`).concat('input[name]:not([type])', 'textarea[name]').join(', ');

/**
 * The first named text field whose value looks like an identity, marked with a message that
 * names it; true when there was one (and the form must not be sent).
 */
function identityInNamedField(form: HTMLFormElement): boolean {
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(TYPED_FIELDS)) {
    const errorId = `${el.id}-guard-error`;
    form.querySelector<HTMLElement>(`[data-guard-error-for="${el.id}"]`)?.remove();
    const describedBy = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== errorId);
    if (describedBy.length > 0) el.setAttribute('aria-describedby', describedBy.join(' '));
    else el.removeAttribute('aria-describedby');
    el.removeAttribute('aria-invalid');
    if (!identityReasonFor(el.value, kindOf(el))) continue;
    const label = (el.id ? form.querySelector<HTMLLabelElement>(`label[for="${el.id}"]`)?.textContent : null)?.trim() ?? 'dit veld';
    const box = document.createElement('p');
    box.className = 'utrecht-form-field-error-message';
    box.setAttribute('role', 'alert');
    box.dataset['guardErrorFor'] = el.id;
    box.id = errorId;
    box.textContent = `"${label}" lijkt een identiteit te bevatten (zoals een BSN, een geboortedatum, een naam met datum, een e-mailadres, telefoonnummer, adres of rekeningnummer). Daar hoort die niet: typ identiteiten alleen in de velden van de jongere. Er is niets verstuurd.`;
    el.insertAdjacentElement('afterend', box);
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', [...describedBy, errorId].join(' '));
    el.focus();
    return true;
  }
  return false;
}

/** The key epochs the page pinned (`data-keys`: `epoch:publicKey` pairs, the current epoch first). */
function keysOf(form: HTMLFormElement): Array<{ epoch: number; publicKey: string }> {
  return (form.dataset['keys'] ?? '')
    .split(' ')
    .filter((k) => k.includes(':'))
    .map((k) => ({ epoch: Number(k.slice(0, k.indexOf(':'))), publicKey: k.slice(k.indexOf(':') + 1) }));
}

/** The inputs' pseudonyms under one epoch: blinded here, evaluated by the custodian, checked against the pinned key. */
async function evaluateUnder(epoch: number, publicKey: string, inputs: Uint8Array[], doel: string, csrf: string): Promise<string[]> {
  const client = createOprfClient({ publicKey: base64UrlToBytes(publicKey), epoch });
  const { blindedElements, state } = client.blind(inputs);
  const res = await fetch(localUrl('/web-api/custodian/evaluate'), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({ epoch, ...(doel ? { doel } : {}), blindedElements: blindedElements.map(bytesToBase64Url) }),
  });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { detail?: string; status?: number };
    throw new Refusal(res.status === 429 ? 'U heeft het maximum aantal pseudonimiseringen voor nu bereikt. Probeer het later opnieuw.' : `De sleutelbeheerder weigerde het verzoek (${res.status}${problem.detail ? `: ${problem.detail}` : ''}).`);
  }
  const answer = (await res.json()) as { evaluatedElements: string[]; proof: string };
  return client.finalize(state, answer.evaluatedElements.map(base64UrlToBytes), base64UrlToBytes(answer.proof));
}

async function pseudonymiseAndSubmit(form: HTMLFormElement, submit: HTMLButtonElement | null): Promise<void> {
  if (identityInNamedField(form)) return;
  const keys = keysOf(form);
  const doel = (form.querySelector<HTMLSelectElement | HTMLInputElement>('[name="doel"]')?.value ?? form.dataset['doel'] ?? '').trim();
  const csrf = form.querySelector<HTMLInputElement>('input[name="_csrf"]')!.value;
  const blocks = blocksOf(form);
  clearErrors(form);
  let inputs: Uint8Array[];
  try {
    inputs = identitiesOf(form, blocks);
  } catch (err) {
    showError(form, err instanceof Refusal ? err.message : FIELD_MESSAGES['input']!, err instanceof Refusal ? err.block : undefined);
    return;
  }
  if (submit) submit.disabled = true;
  const status = form.querySelector<HTMLElement>('[data-pseudonymise-status]');
  if (status) status.textContent = 'Bezig met pseudonimiseren in uw browser…';
  try {
    // One evaluation per active key epoch (the current one first): during a rotation's overlap
    // a youth is known under each, so the question names the youth by all of them.
    const perEpoch: string[][] = [];
    for (const { epoch, publicKey } of keys) perEpoch.push(await evaluateUnder(epoch, publicKey, inputs, doel, csrf));
    if (perEpoch.length === 0 || perEpoch.some((p) => p.length !== blocks.length)) throw new Refusal('De sleutelbeheerder gaf een onvolledig antwoord. Er is niets verstuurd.');
    blocks.forEach((block, i) => {
      block.querySelector<HTMLInputElement>('input[name="subject"]')!.value = perEpoch.map((p) => p[i]!).join(',');
    });
    for (const el of form.querySelectorAll<HTMLInputElement>('[data-identity]')) el.value = '';
    form.submit();
  } catch (err) {
    if (submit) submit.disabled = false;
    if (status) status.textContent = '';
    showError(
      form,
      err instanceof OprfVerificationError
        ? 'Het antwoord van de sleutelbeheerder klopt niet met de vastgelegde sleutel. Er is niets verstuurd.'
        : err instanceof Refusal ? err.message : 'Pseudonimiseren is niet gelukt. Probeer het opnieuw.',
    );
  }
}

function toggleKind(block: HTMLElement): void {
  const kind = block.querySelector<HTMLInputElement>('input[data-identity-kind]:checked')?.value ?? 'bsn';
  for (const group of block.querySelectorAll<HTMLElement>('[data-identity-group]')) group.hidden = group.dataset['identityGroup'] !== kind;
}

function wireBlock(block: HTMLElement): void {
  toggleKind(block);
  for (const radio of block.querySelectorAll<HTMLInputElement>('input[data-identity-kind]')) radio.addEventListener('change', () => toggleKind(block));
  // A message about this block goes once the user changes what it says.
  block.addEventListener('input', () => {
    const box = block.querySelector<HTMLElement>('[data-pseudonymise-error]');
    if (box && !box.hidden) {
      box.hidden = true;
      box.textContent = '';
    }
  });
}

/** "Nog een jongere toevoegen" / "Laatste jongere weghalen" for a group (never below one). */
function wireGroup(form: HTMLFormElement): void {
  const container = form.querySelector<HTMLElement>('[data-identity-blocks]');
  const template = form.querySelector<HTMLTemplateElement>('template[data-identity-template]');
  const add = form.querySelector<HTMLButtonElement>('[data-add-identity]');
  const remove = form.querySelector<HTMLButtonElement>('[data-remove-identity]');
  const count = form.querySelector<HTMLElement>('[data-identity-count]');
  if (!container || !template || !add || !remove) return;
  const max = Number(container.dataset['max'] ?? '50');
  const update = (announce: boolean): void => {
    const n = blocksOf(form).length;
    add.disabled = n >= max;
    remove.hidden = n <= 1;
    if (count && announce) count.textContent = n === 1 ? 'Eén jongere: een casus voor één persoon.' : `${n} jongeren: een groepscasus.`;
  };
  add.addEventListener('click', () => {
    const n = blocksOf(form).length + 1;
    if (n > max) return;
    const holder = document.createElement('div');
    holder.innerHTML = template.innerHTML.replaceAll('__NR__', String(n));
    const block = holder.querySelector<HTMLElement>('[data-identity-block]')!;
    container.append(block);
    wireBlock(block);
    update(true);
    block.querySelector<HTMLInputElement>('input[data-field="bsn"]')?.focus();
  });
  remove.addEventListener('click', () => {
    const blocks = blocksOf(form);
    if (blocks.length <= 1) return;
    blocks[blocks.length - 1]!.remove();
    update(true);
    add.focus();
  });
  update(false);
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-guard-identity]:not([data-pseudonymise])')) {
  form.addEventListener('submit', (event) => {
    if (identityInNamedField(form)) event.preventDefault();
  });
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-pseudonymise]')) {
  for (const block of blocksOf(form)) wireBlock(block);
  wireGroup(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void pseudonymiseAndSubmit(form, (event.submitter as HTMLButtonElement | null) ?? form.querySelector('button[type="submit"]'));
  });
}
