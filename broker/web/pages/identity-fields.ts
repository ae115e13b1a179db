/**
 * The identity inputs of a form that client/pseudonymise.ts pseudonymises: a BSN, or surname,
 * tussenvoegsel, birth date and first name. None of them has a `name`, so a browser never
 * submits them; each carries `data-identity` so the script can empty it before sending.
 */
import { html, type Html } from '../html.js';
import type { WebContext } from '../web-context.js';

/** Doelen one may open a casus or ask for: not the rights doel, under which only inzage and bezwaar pseudonymise. */
export function askableDoelen(ctx: WebContext): ReadonlyArray<{ id: string; name: string }> {
  return ctx.platform.doelen.filter((d) => d.id !== 'jpp-rechten-betrokkenen');
}

export function identityFields(): Html {
  return html`<fieldset>
  <legend>Wie is de jongere?</legend>
  <p class="hint">Wat u hier typt, blijft in uw browser. Uw browser maakt er met de sleutelbeheerder een pseudoniem van; alleen dat pseudoniem wordt verstuurd.</p>
  <div class="field"><span><input type="radio" name="identityKind" id="kind-bsn" value="bsn" data-identity-kind checked> <label for="kind-bsn">Met BSN</label></span>
  <span><input type="radio" name="identityKind" id="kind-naam" value="naam" data-identity-kind> <label for="kind-naam">Zonder BSN: naam en geboortedatum</label></span></div>
  <div data-identity-group="bsn">
    <div class="field">
      <label for="id-bsn">BSN</label>
      <input type="text" id="id-bsn" inputmode="numeric" autocomplete="off" data-identity>
    </div>
  </div>
  <div data-identity-group="naam" hidden>
    <div class="form-grid">
      <div class="field"><label for="id-surname">Achternaam</label><input type="text" id="id-surname" autocomplete="off" data-identity></div>
      <div class="field"><label for="id-tussenvoegsel">Tussenvoegsel (als dat er is)</label><input type="text" id="id-tussenvoegsel" autocomplete="off" data-identity></div>
      <div class="field"><label for="id-firstname">Voornaam</label><input type="text" id="id-firstname" autocomplete="off" data-identity></div>
      <div class="field"><label for="id-birthdate">Geboortedatum</label><input type="date" id="id-birthdate" autocomplete="off" data-identity></div>
    </div>
  </div>
  <p class="utrecht-form-field-error-message" data-pseudonymise-error tabindex="-1" role="alert" hidden></p>
</fieldset>`;
}
