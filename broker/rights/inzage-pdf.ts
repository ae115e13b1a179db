/**
 * The inzage report (AVG art. 15) as a PDF, for the jurist to hand to the youth or parents.
 * pdfkit draws it: a well-kept library with the standard PDF fonts built in, so nothing is
 * fetched and no font file is shipped.
 *
 * Invariant: the PDF holds exactly what the JSON report holds (no subject hash, no
 * pseudonym), every disclosure on its own line, and says how many there are.
 */
import PDFDocument from 'pdfkit';
import type { InzageReport } from './rights.service.js';

const OUTCOME: Record<string, string> = { hit: 'bekend', 'no-hit': 'niet bekend', 'not-permitted': 'niet toegestaan (niet bevraagd)' };

/** Renders the report; `compress: false` keeps the text streams readable (tests). */
export function renderInzagePdf(report: InzageReport, platformName: string, options: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    info: { Title: `Inzageverzoek ${report.reportId}`, Author: platformName, Subject: 'Overzicht van verstrekkingen (AVG art. 15)' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text('Overzicht van verstrekkingen (AVG art. 15)');
  doc.moveDown(0.5).font('Helvetica').fontSize(10);
  doc.text(platformName);
  doc.text(`Rapport ${report.reportId}, opgesteld ${report.generatedAt} door ${report.generatedBy}`);
  doc.text(`Aantal verstrekkingen: ${report.total} (volledig overzicht, niets weggelaten)`);
  doc.moveDown();
  doc.font('Helvetica-Bold').text('Verstrekkingen');
  doc.font('Helvetica');
  if (report.disclosures.length === 0) doc.text('Er zijn geen verstrekkingen over deze persoon vastgelegd.');
  report.disclosures.forEach((d, i) => {
    doc.moveDown(0.3);
    doc.text(
      `${i + 1}. ${d.loggedAt} - partner ${d.partner}: ${OUTCOME[d.outcome] ?? d.outcome}; gevraagd door rol ${d.toRole} (${d.toOrganisation}), doel ${d.doel}` +
        (d.caseRef ? `, casus ${d.caseRef}` : ''),
    );
    for (const g of d.grondslagen) doc.text(`   regel ${g.rule} (${g.effect}): ${g.grondslag}`);
  });
  doc.moveDown();
  doc.font('Helvetica-Bold').text('Informeren van betrokkene');
  doc.font('Helvetica');
  if (report.notifications.length === 0) doc.text('Geen vastgelegde notificaties.');
  for (const n of report.notifications) doc.text(`${n.at} - casus ${n.caseRef}: ${n.state}`);
  doc.moveDown();
  doc.font('Helvetica-Bold').text('Bezwaren');
  doc.font('Helvetica');
  if (report.bezwaren.length === 0) doc.text('Geen bezwaren vastgelegd.');
  for (const b of report.bezwaren) doc.text(`${b.decidedAt} - ${b.decision === 'upheld' ? 'toegewezen' : 'afgewezen'} voor ${b.doelen.join(', ')}${b.liftedAt ? `, opgeheven ${b.liftedAt}` : ''}`);
  doc.end();
  return done;
}
