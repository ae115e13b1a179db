/** The register of verwerkingsactiviteiten (AVG art. 30), public: it holds no personal data, and logboek entries point into it (docs/casus.md). */
import { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { VerwerkingsregisterView } from '../../platform/verwerkingsregister.js';

export function verwerkingsregisterRoutes(register: VerwerkingsregisterView): Router {
  const r = Router();
  r.get('/verwerkingsactiviteiten', (_req, res) => {
    res.json(register);
  });
  r.get('/verwerkingsactiviteiten/:activityId', (req, res) => {
    const a = register.activities.find((x) => x.id === req.params['activityId']);
    if (!a) throw new AppError('not-found', 'no such verwerkingsactiviteit');
    res.json(a);
  });
  return r;
}
