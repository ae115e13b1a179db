/**
 * *Mijn casussen*: the voorzitter's list, with the notifications over tijd on top, and finding a
 * casus: by (part of) its case number, by status, only those over tijd, only their own or every
 * casus of the platform. The casus service filters and checks; an identity typed as a case
 * number is refused there (and in the browser before it is sent, client/pseudonymise.ts guard).
 *
 * Invariants:
 * - "Over tijd" lists exactly the casussen of the service's overdue list (AVG art. 13/14 due dates).
 * - Every filter stays in the paging links, so "volgende pagina" keeps the search.
 */
import type { Request, Router } from 'express';
import { formatDateTime, html, type Html } from '../html.js';
import { alert } from '../layout.js';
import { attempt, errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { CasusDetail, CasusPort } from '../web-ports.js';
import { CASE_STATUS, NOTIFICATION_STATE, ROUTE_IN_OTHER } from '../dutch-labels.js';

const options = (labels: Record<string, string>, selected?: string): Html =>
  html`${Object.entries(labels).map(([id, name]) => html`<option value="${id}"${id === selected ? html` selected` : ''}>${name}</option>`)}`;

interface ListFilters {
  readonly casusnummer?: string;
  readonly status?: string;
  readonly overTijd: boolean;
  /** 'alle': every casus of the platform; otherwise only the user's own. */
  readonly wie: 'mijn' | 'alle';
}

function filtersOf(req: Request): ListFilters {
  const q = (k: string): string | undefined => (typeof req.query[k] === 'string' && (req.query[k] as string).trim() !== '' ? (req.query[k] as string).trim() : undefined);
  const status = q('status');
  const casusnummer = q('casusnummer');
  return {
    ...(casusnummer ? { casusnummer } : {}),
    ...(status && CASE_STATUS[status] ? { status } : {}),
    overTijd: q('over-tijd') === 'ja',
    wie: q('wie') === 'alle' ? 'alle' : 'mijn',
  };
}

const queryOf = (f: ListFilters, extra: Record<string, string> = {}): string =>
  new URLSearchParams({
    ...(f.casusnummer ? { casusnummer: f.casusnummer } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.overTijd ? { 'over-tijd': 'ja' } : {}),
    ...(f.wie === 'alle' ? { wie: 'alle' } : {}),
    ...extra,
  }).toString();

/** Dutch labels of the list's filter fields, for the service's field errors. */
const FILTER_FIELDS = { '/caseRef': 'Casusnummer', '/status': 'Status', '/cursor': 'Pagina' };

export function casusListPage(r: Router, ctx: WebContext, deps: { casus: CasusPort }): void {
  const { casus } = deps;
  const name = (list: ReadonlyArray<{ id: string; name: string }>, id: string): string => list.find((x) => x.id === id)?.name ?? id;
  const routeInName = (id: string): string => ROUTE_IN_OTHER[id] ?? name(ctx.platform.partners, id);

  r.get('/casussen', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    const p = ctx.principal(req);
    const f = filtersOf(req);
    const cursor = typeof req.query['na'] === 'string' ? req.query['na'] : undefined;
    let list: { items: CasusDetail[]; nextCursor: string | null } = { items: [], nextCursor: null };
    let problem: Html | undefined;
    let status = 200;
    await attempt(
      async () => {
        list = await casus.list(p, {
          mine: f.wie === 'mijn' ? 'true' : 'false', limit: '50',
          ...(f.status ? { status: f.status } : {}), ...(f.casusnummer ? { caseRef: f.casusnummer } : {}), ...(cursor ? { cursor } : {}),
        });
      },
      async (err) => {
        problem = errorMessage(err, FILTER_FIELDS);
        status = err.status;
      },
    );
    const overdue = await casus.overdue(p);
    // Which youth of its casus each overdue subject is ("Jongere 2 van 3"), from the list or the casus itself.
    const known = new Map(list.items.map((c) => [c.caseId, c]));
    for (const caseId of new Set(overdue.items.map((o) => o.caseId))) if (!known.has(caseId)) known.set(caseId, await casus.get(p, caseId));
    const youth = (caseId: string, subjectId: string): string => {
      const c = known.get(caseId)!;
      const i = c.subjects.findIndex((s) => s.subjectId === subjectId);
      return c.subjects.length === 1 ? 'de jongere' : `jongere ${i + 1} van ${c.subjects.length}`;
    };
    // "Over tijd": the casussen of the overdue list, within the other filters.
    const overdueIds = new Set(overdue.items.map((o) => o.caseId));
    const shown = f.overTijd
      ? [...overdueIds].map((id) => known.get(id)!).filter((c) =>
        (!f.status || c.status === f.status) && (!f.casusnummer || c.caseRef.toLowerCase().includes(f.casusnummer.toLowerCase())))
      : list.items;
    const searched = Boolean(f.casusnummer || f.status || f.overTijd || f.wie === 'alle');
    ctx.render(req, res, {
      title: 'Mijn casussen',
      current: '/casussen',
      status,
      scripts: ['pseudonymise'],
      body: html`<p><a href="${ctx.href(`/casussen/nieuw`)}" class="utrecht-button-link utrecht-button-link--primary-action">Nieuwe casus</a></p>
<p>Vervolgacties die over tijd zijn, ziet u bij <a href="${ctx.href(`/vervolgacties`)}">Vervolgacties over tijd</a>.</p>
<section aria-labelledby="overdue-title"><h2 id="overdue-title">Notificaties over tijd</h2>
${overdue.total === 0
  ? html`<p>Geen: elke jongere is op tijd geïnformeerd, of het informeren is met reden uitgesteld.</p>`
  : html`${alert('warning', `${overdue.total} ${overdue.total === 1 ? 'jongere is' : 'jongeren zijn'} niet op tijd geïnformeerd (AVG art. 13/14).`)}
<div class="table-wrap"><table class="utrecht-table" data-overdue><caption>Over tijd, oudste eerst</caption>
<thead><tr><th scope="col">Casus</th><th scope="col">Wie</th><th scope="col">Stand</th><th scope="col">Uiterlijk</th></tr></thead>
<tbody>${overdue.items.map((o) => html`<tr><td><a href="${ctx.href(`/casussen/${o.caseId}#jongere-${o.subjectId}`)}">${o.caseRef}</a></td><td>${youth(o.caseId, o.subjectId)}</td><td>${NOTIFICATION_STATE[o.state] ?? o.state}</td><td>${formatDateTime(o.dueAt)}</td></tr>`)}</tbody></table></div>`}
</section>
<section aria-labelledby="list-title"><h2 id="list-title">Casussen zoeken</h2>
<form method="get" action="${ctx.href(`/casussen`)}" class="filters" role="search" aria-label="Casussen zoeken" data-guard-identity>
<div class="field"><label for="f-casusnummer">Casusnummer (of een deel ervan)</label><input type="text" id="f-casusnummer" name="casusnummer" autocomplete="off" value="${f.casusnummer ?? ''}"></div>
<div class="field"><label for="f-status">Status</label>
<select id="f-status" name="status"><option value="">Alle</option>${options(CASE_STATUS, f.status)}</select></div>
<div class="field"><label for="f-wie">Van wie</label><select id="f-wie" name="wie"><option value="mijn"${f.wie === 'mijn' ? html` selected` : ''}>Die ik heb geopend</option><option value="alle"${f.wie === 'alle' ? html` selected` : ''}>Alle casussen</option></select></div>
<div class="field"><span><input type="checkbox" id="f-over-tijd" name="over-tijd" value="ja"${f.overTijd ? html` checked` : ''}> <label for="f-over-tijd">Alleen met notificatie over tijd</label></span></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Zoeken</button>
${searched ? html` <a href="${ctx.href('/casussen')}">Alles tonen</a>` : ''}</form>
${problem ? alert('error', problem) : ''}
${shown.length === 0
  ? html`<p data-case-count="0">Geen casussen gevonden${searched ? ' met deze zoekopdracht' : ''}.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table stack" data-cases><caption>${f.overTijd ? 'Casussen met notificatie over tijd' : 'Nieuwste eerst'}</caption>
<thead><tr><th scope="col">Casus</th><th scope="col">Jongeren</th><th scope="col">Status</th><th scope="col">Doel</th><th scope="col">Aangemeld door</th><th scope="col">Geopend</th><th scope="col">Notificatie</th></tr></thead>
<tbody>${shown.map(
  (c) => html`<tr data-case="${c.caseRef}"><td data-label="Casus"><a href="${ctx.href(`/casussen/${c.caseId}`)}">${c.caseRef}</a></td><td data-label="Jongeren" data-subject-count="${c.subjects.length}">${c.kind === 'group' ? `groep van ${c.subjects.length}` : '1'}</td><td data-label="Status">${CASE_STATUS[c.status] ?? c.status}</td><td data-label="Doel">${name(ctx.platform.doelen, c.doel)}</td><td data-label="Aangemeld door">${routeInName(c.routeIn)}</td><td data-label="Geopend">${formatDateTime(c.openedAt)}</td>
  <td data-label="Notificatie">${c.subjects.some((s) => s.notification.overdue) || overdueIds.has(c.caseId) ? html`<strong class="bad">over tijd</strong>` : c.subjects.every((s) => s.notification.state === 'informed') ? 'geïnformeerd' : 'open'}</td></tr>`,
)}</tbody></table></div>`}
<p>${!f.overTijd && list.nextCursor
  ? html`Er volgen meer casussen. <a href="${ctx.href(`/casussen?${queryOf(f, { na: list.nextCursor })}`)}" rel="next">Volgende pagina</a>`
  : cursor ? html`<a href="${ctx.href(`/casussen?${queryOf(f)}`)}">Terug naar de eerste pagina</a>` : ''}</p>
</section>`,
    });
  });
}
