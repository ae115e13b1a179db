/**
 * Exports for juristen:
 * - CSV of the disclosures that match the logboek's filters;
 * - a FHIR R5 Bundle of AuditEvents for the same selection;
 * - the whole logboek as JSON lines with checkpoints and a manifest (export-log.ts, the same
 *   format as `jpp-broker audit export`, verifiable with `jpp-broker audit verify --export`).
 * Every page read is logged by the services. A selection too large for one download is
 * refused with a message, never cut off.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request, Response, Router } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { DisclosurePage, DisclosureService } from '../../disclosures/disclosure.service.js';
import { AppError } from '../../errors/app-error.js';
import { CHECKPOINTS_FILE, ENTRIES_FILE, MANIFEST_FILE, exportLog } from '../../logboek/export-log.js';
import type { LogboekReadService } from '../../logboek/logboek-read.service.js';
import { html } from '../html.js';
import { csrfField } from '../layout.js';
import { requireAbility, type WebContext } from '../web-context.js';
import { inProcessLogClient } from '../in-process-log-client.js';
import { auditEventBundle } from '../fhir-audit-event.js';
import { filterValues, queryString, serviceQuery } from './logboek.page.js';

/** The most rows one CSV or FHIR download holds; past it the jurist narrows the selection. */
export const MAX_EXPORT_ROWS = 50_000;
const EXPORT_FILES = [ENTRIES_FILE, CHECKPOINTS_FILE, MANIFEST_FILE];
const EXPORT_TTL_MS = 3_600_000;

export function exportPages(r: Router, ctx: WebContext, deps: { disclosures: DisclosureService; logboek: LogboekReadService; exportDir?: string }): void {
  const exportRoot = deps.exportDir ?? join(tmpdir(), 'jpp-web-exports');

  async function allRows(req: Request, res: Response): Promise<DisclosurePage['items']> {
    const v = filterValues(req);
    const rows: DisclosurePage['items'] = [];
    let cursor: string | null = null;
    do {
      const page: DisclosurePage = await deps.disclosures.list(ctx.principal(req), serviceQuery(v, { limit: 500, ...(cursor ? { cursor } : {}) }), ctx.traceId(res));
      rows.push(...page.items);
      cursor = page.nextCursor;
      if (rows.length > MAX_EXPORT_ROWS) {
        throw new AppError('validation', `the selection holds more than ${MAX_EXPORT_ROWS} disclosures; narrow the period or add a filter`, [{ pointer: '/van', code: 'selection-too-large', detail: 'selection too large' }]);
      }
    } while (cursor);
    return rows;
  }

  r.get('/logboek/export', (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const v = filterValues(req);
    const qs = queryString(v);
    const active = Object.keys(v).length;
    ctx.render(req, res, {
      title: 'Exports',
      current: '/logboek/export',
      body: html`<h2>Bevragingen</h2>
<p>${active ? html`Met de filters uit het <a href="${ctx.href(`/logboek${qs}`)}">logboek</a> (${active} actief).` : html`Alle bevragingen. Kies eerst filters in het <a href="${ctx.href(`/logboek`)}">logboek</a> om een selectie te exporteren.`}</p>
<ul>
  <li><a href="${ctx.href(`/logboek/export/bevragingen.csv${qs}`)}" download>CSV (spreadsheet)</a></li>
  <li><a href="${ctx.href(`/logboek/export/auditevents.fhir.json${qs}`)}" download>FHIR R5 AuditEvent-bundel (JSON)</a></li>
</ul>
<h2>Het hele logboek</h2>
<p>JSON lines met alle regels en checkpoints, en een manifest met de SHA-256 van elk bestand en het ondertekende checkpoint. Controleer het met <code>jpp-broker audit verify --export</code>.</p>
<form method="post" action="${ctx.href(`/logboek/export/jsonl`)}">${csrfField(ctx.csrf(req))}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Export maken</button></form>`,
    });
  });

  r.get('/logboek/export/bevragingen.csv', async (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const rows = await allRows(req, res);
    const csv = stringify(
      rows.map((d) => ({
        tijd: d.loggedAt,
        logregel: d.seq ?? '',
        vraag: d.queryId,
        gebruiker: d.user,
        organisatie: d.organisation,
        rol: d.role,
        doel: d.doel,
        casus: d.caseRef,
        toestemming: d.consent ? 'ja' : 'nee',
        partner: d.partner,
        uitkomst: d.outcome,
        categorieen: d.categoriesCounted.join(' '),
        regels: d.rules.map((x) => x.rule).join(' '),
        grondslagen: d.rules.map((x) => x.grondslag).join(' | '),
        beleidsversie: d.policyVersion,
        beleidshash: d.policyHash,
        trace: d.traceId,
      })),
      // escape_formulas: a cell starting with = + - @ (or a tab or CR) gets a leading ', so that a
      // spreadsheet shows it as text instead of running it (CSV injection; a grondslag is typed text).
      { header: true, escape_formulas: true, columns: ['tijd', 'logregel', 'vraag', 'gebruiker', 'organisatie', 'rol', 'doel', 'casus', 'toestemming', 'partner', 'uitkomst', 'categorieen', 'regels', 'grondslagen', 'beleidsversie', 'beleidshash', 'trace'] },
    );
    res.type('text/csv; charset=utf-8').attachment('bevragingen.csv').send(csv);
  });

  r.get('/logboek/export/auditevents.fhir.json', async (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const rows = await allRows(req, res);
    res.type('application/fhir+json').attachment('auditevents.fhir.json').send(JSON.stringify(auditEventBundle(rows, new Date()), null, 2));
  });

  r.post('/logboek/export/jsonl', async (req, res) => {
    requireAbility(ctx, req, 'readLog');
    mkdirSync(exportRoot, { recursive: true, mode: 0o700 });
    for (const old of readdirSync(exportRoot)) {
      const dir = join(exportRoot, old);
      if (Date.now() - statSync(dir).mtimeMs > EXPORT_TTL_MS) rmSync(dir, { recursive: true, force: true });
    }
    const id = randomUUID();
    const result = await exportLog(inProcessLogClient(deps.logboek, ctx.principal(req), ctx.traceId(res), 'export', ctx.publicUrl), join(exportRoot, id));
    req.session.exports = [...(req.session.exports ?? []), id].slice(-10);
    const m = result.manifest;
    const files = [...Object.entries(m.files), [MANIFEST_FILE, '']] as Array<[string, string]>;
    ctx.render(req, res, {
      title: 'Export gemaakt',
      current: '/logboek/export',
      body: html`<p>Regels 0 tot en met ${m.treeSize - 1} (${result.entries} regels) van ${m.origin}.
${m.checkpoint ? `Het manifest bevat het checkpoint van ${result.checkpointSize} regels.` : 'Er was nog geen checkpoint.'}</p>
<div class="table-wrap"><table class="utrecht-table"><caption>Bestanden (een uur beschikbaar)</caption>
<thead><tr><th scope="col">Bestand</th><th scope="col">SHA-256</th></tr></thead>
<tbody>${files.map(([name, hash]) => html`<tr><td><a href="${ctx.href(`/logboek/export/jsonl/${id}/${name}`)}" download>${name}</a></td><td class="mono">${hash || 'zie het manifest zelf'}</td></tr>`)}</tbody></table></div>`,
    });
  });

  r.get('/logboek/export/jsonl/:id/:file', (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const id = String(req.params['id']);
    const file = String(req.params['file']);
    if (!(req.session.exports ?? []).includes(id) || !EXPORT_FILES.includes(file)) throw new AppError('not-found', 'no such export');
    res.type(file.endsWith('.json') ? 'application/json' : 'application/jsonl').attachment(file).sendFile(join(exportRoot, id, file));
  });
}
