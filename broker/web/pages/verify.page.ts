/**
 * "Verificatie": runs the audit CLI's verification (verify-log.ts) over the whole logboek in
 * this process: the latest checkpoint's signature and its chain of earlier checkpoints, every
 * entry's leaf hash, and the roots. It shows where the log breaks, if it does. The reads are
 * logged as log-verify entries in the jurist's name.
 */
import type { Router } from 'express';
import { allCheckpoints, liveEntries } from '../../logboek/log-client.js';
import { verifyLog, type BreakKind, type VerifyReport } from '../../logboek/verify-log.js';
import { checkpointAncestors } from '../../logboek/checkpoint-chain.js';
import type { SignedCheckpoint } from '../../logboek/checkpoint-forms.js';
import type { LogboekReadService } from '../../logboek/logboek-read.service.js';
import { html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { requireAbility, type WebContext } from '../web-context.js';
import { inProcessLogClient } from '../in-process-log-client.js';

const KIND: Record<BreakKind, string> = {
  missing: 'een regel ontbreekt',
  changed: 'een regel is veranderd',
  reordered: 'regels staan in een andere volgorde',
  'root-mismatch': 'de berekende root past niet bij een ondertekend checkpoint',
  truncated: 'het logboek is korter dan een ondertekend checkpoint',
};

export function verifyPages(r: Router, ctx: WebContext, deps: { logboek: LogboekReadService }): void {
  const intro = (req: Parameters<WebContext['csrf']>[0]): Html => html`<p>De verificatie leest alle regels van het logboek, berekent hun hashes en de Merkle-roots opnieuw, en vergelijkt die met de ondertekende checkpoints. Zo ziet u of er iets is weggehaald, veranderd of verplaatst, en waar.</p>
<form method="post" action="${ctx.href(`/logboek/verificatie`)}">${csrfField(ctx.csrf(req))}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Verificatie uitvoeren</button></form>`;

  r.get('/logboek/verificatie', (req, res) => {
    requireAbility(ctx, req, 'readLog');
    ctx.render(req, res, { title: 'Verificatie van het logboek', current: '/logboek/verificatie', body: intro(req) });
  });

  r.post('/logboek/verificatie', async (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const client = inProcessLogClient(deps.logboek, ctx.principal(req), ctx.traceId(res), 'verify', ctx.publicUrl);
    const { origin, key } = await client.publicKey();
    const checkpoints: SignedCheckpoint[] = [];
    for await (const c of allCheckpoints(client)) checkpoints.push({ id: c.id, jws: c.jws, note: c.note });
    let outcome: Html;
    if (checkpoints.length === 0) {
      outcome = alert('info', 'Er is nog geen ondertekend checkpoint. Probeer het over een minuut opnieuw.');
    } else {
      let chain;
      try {
        chain = await checkpointAncestors(checkpoints[checkpoints.length - 1]!, checkpoints, key, origin);
      } catch (err) {
        chain = undefined;
        outcome = alert('error', html`<p>Het nieuwste checkpoint heeft geen geldige handtekening van dit logboek.</p><p class="hint"><span lang="en">${(err as Error).message}</span></p>`);
      }
      if (chain) {
        const live = liveEntries(client);
        const report = await verifyLog(
          (async function* () {
            for await (const e of live.entries) yield { seq: e.seq, leafHash: e.leafHash, content: e.content as Record<string, unknown> | null };
          })(),
          { checkpoint: chain[chain.length - 1]!, more: chain.slice(0, -1) },
        );
        outcome = describe(ctx, report);
      }
    }
    ctx.render(req, res, { title: 'Verificatie van het logboek', current: '/logboek/verificatie', body: html`${outcome!}${intro(req)}` });
  });
}

function describe(ctx: WebContext, r: VerifyReport): Html {
  const facts = html`<dl class="facts">
  <dt>Ondertekend checkpoint</dt><dd>${r.treeSize} regels</dd>
  <dt>Regels gecontroleerd</dt><dd>${r.entries}${r.redacted ? ` (waarvan ${r.redacted} met verwijderde inhoud, op hash)` : ''}</dd>
  <dt>Checkpoints vergeleken</dt><dd>${r.checkpointsChecked}</dd>
  <dt>Regels na het checkpoint</dt><dd>${r.afterCheckpoint} (nog niet ondertekend)</dd>
  <dt>Duur</dt><dd>${Math.round(r.ms)} ms</dd>
</dl>`;
  if (r.valid) return html`<div data-verify-result="ok">${alert('ok', html`<p><strong>Het logboek is in orde.</strong> Alle ${r.entries} regels passen bij de ondertekende checkpoints.</p>`)}${facts}</div>`;
  const b = r.firstBreak!;
  return html`<div data-verify-result="broken">${alert(
    'error',
    html`<p><strong>Het logboek breekt${b.seq !== undefined ? html` bij regel <a href="${ctx.href(`/logboek/regel/${b.seq}`)}">${b.seq}</a>` : ''}:</strong> ${KIND[b.kind]}.</p>
${b.range ? html`<p>Het eerste verschil zit tussen regel ${b.range.from} en ${b.range.to - 1}.</p>` : ''}
${b.checkpoint ? html`<p>Checkpoint: ${b.checkpoint.id !== undefined ? `nummer ${b.checkpoint.id}, ` : ''}${b.checkpoint.treeSize} regels.</p>` : ''}
<p class="hint">Technisch: <span lang="en">${b.detail}</span></p>`,
  )}${facts}</div>`;
}
