/** POST /v1/queries: "is deze jongere bij u bekend?". */
import { Router } from 'express';
import type { QueryService } from '../../queries/query.service.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';

export function queryRoutes(queries: QueryService): Router {
  const r = Router();
  r.post('/queries', requireJsonBody, async (req, res) => {
    const answer = await queries.ask(principalOf(res), req.body, res.locals['traceId'] as string);
    res.status(200).json(answer);
  });
  return r;
}
