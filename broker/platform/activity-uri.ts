/**
 * Stable URIs into the register of verwerkingsactiviteiten (AVG art. 30), for the Logboek
 * Dataverwerkingen, whose records point to the processing activity by reference
 * (`dpl.core.processing_activity_id`): https://logius-standaarden.github.io/logboek-dataverwerkingen/
 *
 * Invariants: the URI depends only on the platform definition (its published register, or its id)
 * and the activity id, never on where a broker happens to run, so that it stays the same for
 * every entry and every copy of the log.
 */
/** The URI of activity `activityId` of the platform: `<verwerkingsregisterUri>/<id>`, or a URN when the register is not published. */
export function activityUri(platform: { readonly id: string; readonly verwerkingsregisterUri?: string | undefined }, activityId: string): string {
  const base = platform.verwerkingsregisterUri?.replace(/\/+$/, '');
  return base ? `${base}/${encodeURIComponent(activityId)}` : `urn:jpp-broker:${platform.id}:verwerkingsactiviteit:${activityId}`;
}
