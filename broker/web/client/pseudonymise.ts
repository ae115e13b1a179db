/**
 * Browser: pseudonymises a typed identity (BSN, or surname + birth date + first name) before a
 * form is sent. Runs the same code as the partners' adapters (adapters/pseudonymisation):
 * normalise, blind (RFC 9497 VOPRF), have the custodian evaluate the blinded element through
 * the broker's web endpoint, verify the custodian's proof against the key the page pinned,
 * and finalise. Only the pseudonym goes into the form.
 *
 * Invariants:
 * - The identity inputs have no `name`, so the browser never submits them, with or without
 *   this script; they are emptied before the form is sent.
 * - The only request this script sends holds blinded elements (uniformly random group
 *   elements), the key epoch and the doel.
 */
import { IdentityNormalisationError, identityKey, type IdentityInput } from '../../../adapters/pseudonymisation/normalise-identity.js';
import { createOprfClient, OprfVerificationError } from '../../../adapters/pseudonymisation/oprf-client.js';
import { base64UrlToBytes, bytesToBase64Url } from '../../../adapters/pseudonymisation/voprf-suite.js';
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

function value(form: HTMLFormElement, id: string): string {
  const el = form.querySelector<HTMLInputElement>(`#${id}`);
  return el ? el.value.trim() : '';
}

function identityOf(form: HTMLFormElement): IdentityInput {
  const kind = form.querySelector<HTMLInputElement>('input[data-identity-kind]:checked')?.value ?? 'bsn';
  if (kind === 'bsn') return { bsn: value(form, 'id-bsn') };
  const tussenvoegsel = value(form, 'id-tussenvoegsel');
  return {
    surname: value(form, 'id-surname'),
    birthDate: value(form, 'id-birthdate'),
    firstName: value(form, 'id-firstname'),
    ...(tussenvoegsel ? { tussenvoegsel } : {}),
  };
}

function showError(form: HTMLFormElement, message: string): void {
  const box = form.querySelector<HTMLElement>('[data-pseudonymise-error]');
  if (!box) return;
  box.hidden = false;
  box.textContent = message;
  box.focus();
}

async function pseudonymiseAndSubmit(form: HTMLFormElement, submit: HTMLButtonElement | null): Promise<void> {
  const epoch = Number(form.dataset['epoch']);
  const publicKey = form.dataset['publicKey']!;
  const doel = (form.querySelector<HTMLSelectElement | HTMLInputElement>('[name="doel"]')?.value ?? form.dataset['doel'] ?? '').trim();
  const csrf = form.querySelector<HTMLInputElement>('input[name="_csrf"]')!.value;
  const target = form.querySelector<HTMLInputElement>('input[name="subject"]')!;
  let input: Uint8Array;
  try {
    input = identityKey(identityOf(form));
  } catch (err) {
    showError(form, err instanceof IdentityNormalisationError ? (FIELD_MESSAGES[err.field] ?? FIELD_MESSAGES['input']!) : FIELD_MESSAGES['input']!);
    return;
  }
  if (submit) submit.disabled = true;
  const status = form.querySelector<HTMLElement>('[data-pseudonymise-status]');
  if (status) status.textContent = 'Bezig met pseudonimiseren in uw browser…';
  try {
    const client = createOprfClient({ publicKey: base64UrlToBytes(publicKey), epoch });
    const { blindedElements, state } = client.blind([input]);
    const res = await fetch(localUrl('/web-api/custodian/evaluate'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ epoch, ...(doel ? { doel } : {}), blindedElements: blindedElements.map(bytesToBase64Url) }),
    });
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string; status?: number };
      throw new Error(res.status === 429 ? 'U heeft het maximum aantal pseudonimiseringen voor nu bereikt. Probeer het later opnieuw.' : `De sleutelbeheerder weigerde het verzoek (${res.status}${problem.detail ? `: ${problem.detail}` : ''}).`);
    }
    const answer = (await res.json()) as { evaluatedElements: string[]; proof: string };
    const [pseudonym] = client.finalize(state, answer.evaluatedElements.map(base64UrlToBytes), base64UrlToBytes(answer.proof));
    target.value = pseudonym!;
    for (const el of form.querySelectorAll<HTMLInputElement>('[data-identity]')) el.value = '';
    form.submit();
  } catch (err) {
    if (submit) submit.disabled = false;
    if (status) status.textContent = '';
    showError(
      form,
      err instanceof OprfVerificationError
        ? 'Het antwoord van de sleutelbeheerder klopt niet met de vastgelegde sleutel. Er is niets verstuurd.'
        : err instanceof Error && err.message.startsWith('De ') ? err.message : err instanceof Error && err.message.startsWith('U ') ? err.message : 'Pseudonimiseren is niet gelukt. Probeer het opnieuw.',
    );
  }
}

function toggleKind(form: HTMLFormElement): void {
  const kind = form.querySelector<HTMLInputElement>('input[data-identity-kind]:checked')?.value ?? 'bsn';
  for (const group of form.querySelectorAll<HTMLElement>('[data-identity-group]')) group.hidden = group.dataset['identityGroup'] !== kind;
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-pseudonymise]')) {
  toggleKind(form);
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[data-identity-kind]')) radio.addEventListener('change', () => toggleKind(form));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void pseudonymiseAndSubmit(form, (event.submitter as HTMLButtonElement | null) ?? form.querySelector('button[type="submit"]'));
  });
}
