/**
 * Dutch for the functioneel beheerder's pages: states, and refusals of the register's services
 * worded from their code and field (no English, no JSON Pointer, no raw id on a page).
 */
import type { FieldError } from '../../../protocol/schemas/schema-registry.js';
import { FIELD_ERROR_SENTENCE } from '../field-error-texts.js';
import type { AppError } from '../../errors/app-error.js';
import type { GrantState, PersonState } from '../../register/register-types.js';
import { html, type Html } from '../html.js';

export const PERSON_STATE: Record<PersonState, string> = {
  active: 'actief',
  deactivated: 'toegang beëindigd',
  'not-yet-valid': 'nog niet geldig',
  expired: 'verlopen',
};

export const GRANT_STATE: Record<GrantState, string> = {
  active: 'actief',
  'pending-approval': 'wacht op goedkeuring (vier ogen)',
  'not-yet-valid': 'nog niet geldig',
  expired: 'verlopen',
  revoked: 'ingetrokken',
};

/** The form's labels, by the field a service names. */
const FIELD: Record<string, string> = {
  personId: 'Inlognaam bij de inlogdienst',
  displayName: 'Naam',
  organisation: 'Organisatie',
  organisationId: 'Code van de organisatie',
  name: 'Naam van de organisatie',
  roles: 'Rollen',
  role: 'Rol',
  validFrom: 'Geldig vanaf',
  validUntil: 'Geldig tot',
  adapterId: 'Naam van de koppeling',
  partner: 'Partner',
  clientId: 'Client-id (onderwerp van de tokens)',
  certificateSubject: 'Naam in het certificaat (CN)',
  kid: 'Sleutel-id',
  jwk: 'Publieke sleutel (JWK)',
  confirm: 'Bevestiging',
};

/** What to do about a field the service refused, by its stable code (problem.schema.json `errors[].code`). */
function fieldAdvice(e: FieldError): string {
  switch (e.code) {
    case 'required': return 'vul dit in of vink dit aan';
    case 'not-confirmed': return 'vink dit aan';
    case 'invalid-format': case 'too-short': case 'too-long':
      return e.pointer === '/jwk' ? 'geef alleen de publieke sleutel, Ed25519 of P-256, als JWK in JSON'
        : 'de vorm klopt niet; gebruik alleen letters, cijfers, punt, streepje of dubbele punt (bij een naam: geen cijfers of @)';
    case 'in-use': return 'bestaat al';
    case 'in-past': return 'ligt in het verleden';
    case 'before-start': return 'moet na "geldig vanaf" liggen';
    case 'not-in-list': return e.pointer.endsWith('/role') ? 'is geen rol van dit platform' : e.pointer === '/partner' ? 'is geen partner van dit platform' : 'kies een waarde uit de lijst';
    case 'not-applicable': return 'is niet actief';
    case 'not-found': return 'staat niet in het register';
    case 'duplicate': return 'staat er twee keer in';
    case 'too-few': return 'kies er minstens één';
    case 'invalid': return e.pointer === '/jwk' ? 'geef alleen de publieke sleutel, Ed25519 of P-256, als JWK in JSON' : FIELD_ERROR_SENTENCE.invalid;
    default: return FIELD_ERROR_SENTENCE[e.code];
  }
}

/** A refusal of the register in Dutch: a sentence per case, and the fields by their labels. */
export function registerRefusal(err: AppError): Html {
  const m = err.message;
  const sentence =
    /four eyes: a grant is approved by someone other/.test(m) ? 'Vier ogen: een rol die u zelf toekende, keurt een andere beheerder goed.'
    : /four eyes: nobody approves a role granted to themselves/.test(m) ? 'Vier ogen: een rol die aan uzelf is toegekend, keurt een andere beheerder goed.'
    : /cannot deactivate themselves/.test(m) ? 'U kunt uw eigen toegang niet beëindigen. Vraag een andere beheerder.'
    : /cannot revoke their own beheer role/.test(m) ? 'U kunt uw eigen beheerrol niet intrekken. Vraag een andere beheerder.'
    : /cannot deactivate their own organisation/.test(m) ? 'U kunt uw eigen organisatie niet deactiveren. Vraag een andere beheerder.'
    : /approved already/.test(m) ? 'Deze rol is al goedgekeurd.'
    : /was revoked/.test(m) ? 'Deze rol is ingetrokken.'
    : /deactivated already/.test(m) ? 'De toegang was al beëindigd.'
    : /active already/.test(m) ? 'Dit is al actief.'
    : /revoked already/.test(m) ? 'Deze sleutel was al ingetrokken.'
    : err.code === 'not-found' ? 'Dit staat niet (meer) in het register.'
    : err.code === 'conflict' ? 'Dit botst met wat al in het register staat.'
    : err.code === 'validation' ? 'Het formulier is niet goed ingevuld.'
    : err.code === 'forbidden' ? 'Uw rol mag dit niet.'
    : 'Dat lukte niet.';
  const fields = err.errors.map((e) => {
    const key = e.pointer.split('/').filter(Boolean).find((p) => FIELD[p] !== undefined);
    return { label: key ? FIELD[key]! : 'Formulier', advice: fieldAdvice(e) };
  });
  return html`<p>${sentence}</p>${fields.length ? html`<ul>${fields.map((f) => html`<li><strong>${f.label}</strong>: ${f.advice}</li>`)}</ul>` : ''}`;
}
