/**
 * The register of verwerkingsactiviteiten (AVG art. 30) with the joint-controller arrangement
 * (art. 26), as the platform definition holds it, in the form the API and the web page show.
 * https://eur-lex.europa.eu/eli/reg/2016/679/oj (arts. 26 and 30)
 *
 * Invariants: built from the platform definition alone (no personal data, nothing read from the
 * database); each activity carries its stable URI (activity-uri.ts), which logboek entries name.
 */
import { activityUri } from './activity-uri.js';
import type { Platform } from './platform.js';

export interface VerwerkingsregisterView {
  platform: { id: string; name: string };
  jointControllers: { controllers: Array<{ id: string; name: string }>; contactPoint: { id: string; name: string }; arrangement: string; document: string | null } | null;
  activities: Array<{
    id: string;
    uri: string;
    name: string;
    actions: string[];
    purpose: string | null;
    categoriesOfSubjects: string[];
    categoriesOfData: string[];
    recipients: string[];
    retention: string | null;
    grondslag: string | null;
  }>;
}

/** The register of `platform`, organisations named by their names. */
export function verwerkingsregister(platform: Pick<Platform, 'id' | 'name' | 'organisations' | 'verwerkingsactiviteiten' | 'jointControllers' | 'verwerkingsregisterUri'>): VerwerkingsregisterView {
  const org = (id: string) => ({ id, name: platform.organisations.find((o) => o.id === id)?.name ?? id });
  const jc = platform.jointControllers;
  return {
    platform: { id: platform.id, name: platform.name },
    jointControllers: jc ? { controllers: jc.controllers.map(org), contactPoint: org(jc.contactPoint), arrangement: jc.arrangement, document: jc.document ?? null } : null,
    activities: platform.verwerkingsactiviteiten.map((a) => ({
      id: a.id,
      uri: activityUri(platform, a.id),
      name: a.name,
      actions: [...a.actions],
      purpose: a.purpose ?? null,
      categoriesOfSubjects: [...(a.categoriesOfSubjects ?? [])],
      categoriesOfData: [...(a.categoriesOfData ?? [])],
      recipients: [...(a.recipients ?? [])],
      retention: a.retention ?? null,
      grondslag: a.grondslag ?? null,
    })),
  };
}
