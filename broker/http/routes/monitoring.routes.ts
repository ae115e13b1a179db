/** GET /v1/monitoring: aggregates for the partneroverleg, as JSON or CSV; GET /v1/monitoring/trend: per month or quarter. */
import { Router } from 'express';
import { toCsv, type MonitoringService } from '../../monitoring/monitoring.service.js';
import { principalOf } from '../authenticate.js';

export function monitoringRoutes(monitoring: MonitoringService): Router {
  const r = Router();
  r.get('/monitoring', async (req, res) => {
    const { format, ...query } = req.query as Record<string, unknown>;
    const csv = format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (format !== undefined && format !== 'csv' && format !== 'json') query['format'] = format; // let the schema name it
    const report = await monitoring.report(principalOf(res), query, res.locals['traceId'] as string);
    if (csv) {
      res
        .type('text/csv; charset=utf-8')
        .set('content-disposition', `attachment; filename="monitoring-${report.period.from}-${report.period.to}.csv"`)
        .send(toCsv(report));
      return;
    }
    res.json(report);
  });
  r.get('/monitoring/trend', async (req, res) => {
    res.json(await monitoring.trend(principalOf(res), { ...(req.query as Record<string, unknown>) }, res.locals['traceId'] as string));
  });
  return r;
}
