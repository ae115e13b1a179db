/**
 * The inzage report (AVG art. 15) as a PDF, for the jurist to hand to the youth or parents.
 * pdfkit draws it: a well-kept library with the standard PDF fonts built in, so nothing is
 * fetched and no font file is shipped.
 *
 * Invariants: the PDF holds exactly the report's sections (inzage-sources.ts), each item as its
 * plain-Dutch sentence (B1; Europe/Amsterdam local time; names, never raw ids or UTC stamps),
 * every item on its own line, and says how many there are and that they were counted apart.
 * No subject hash, no pseudonym.
 */
import PDFDocument from 'pdfkit';
import type { InzageReport } from './rights-types.js';
import { moment } from './inzage-sources.js';

/** Renders the report; `compress: false` keeps the text streams readable (tests). */
export function renderInzagePdf(report: InzageReport, platformName: string, options: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    info: { Title: `Inzage: wat ${platformName} over u vastlegt`, Author: platformName, Subject: 'Overzicht van uw gegevens (AVG artikel 15)' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { listed, counted } = report.completeness;
  doc.font('Helvetica-Bold').fontSize(16).text('Overzicht van uw gegevens (AVG artikel 15)');
  doc.moveDown(0.5).font('Helvetica').fontSize(10);
  doc.text(platformName);
  doc.text(`Opgesteld op ${moment(report.generatedAt)} door de ${report.generatedByName}.`);
  doc.moveDown(0.5);
  doc.text('In dit overzicht staat alles wat het samenwerkingsverband over u heeft vastgelegd: welke partners een signaal over u hebben, in welke casussen u bent besproken, wat daar is afgesproken, wie naar u heeft gevraagd en wat u zelf heeft gevraagd. Tijden zijn Nederlandse tijd.');
  doc.text(
    report.completeness.complete
      ? `Dit overzicht is volledig: ${listed} onderdelen. Wij hebben ze apart nageteld en kwamen ook op ${counted}.`
      : `Let op: dit overzicht telt ${listed} onderdelen, maar apart nageteld zijn het er ${counted}. Vraag de jurist om een nieuw overzicht.`,
  );
  for (const section of report.sections) {
    doc.moveDown();
    doc.font('Helvetica-Bold').text(`${section.title} (${section.listed})`);
    doc.font('Helvetica');
    if (section.items.length === 0) doc.text(section.empty);
    section.items.forEach((item, i) => doc.text(`${i + 1}. ${item.text}`));
  }
  doc.end();
  return done;
}
