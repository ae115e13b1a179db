/**
 * Browser: draws the monitoring page's charts (Chart.js) from the table beside each chart, so
 * that the table stays the accessible source and the chart adds nothing the table lacks.
 * Suppressed cells (data-suppressed) are drawn as gaps, never as zero.
 */
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart-table]')) {
  const table = document.getElementById(canvas.dataset['chartTable']!) as HTMLTableElement | null;
  if (!table) continue;
  const headers = [...table.tHead!.rows[0]!.cells].slice(1).map((c) => c.textContent ?? '');
  const rows = [...table.tBodies[0]!.rows];
  const labels = rows.map((r) => r.cells[0]!.textContent ?? '');
  const datasets = headers.map((label, i) => ({
    label,
    data: rows.map((r) => {
      const cell = r.cells[i + 1]!;
      return cell.dataset['suppressed'] !== undefined ? null : Number(cell.dataset['value'] ?? cell.textContent);
    }),
  }));
  new Chart(canvas, { type: 'bar', data: { labels, datasets }, options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } } });
}
