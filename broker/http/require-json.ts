/** Refuses a body that is not application/json (RFC 9110 §15.5.16, 415). */
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) throw new AppError('unsupported-media-type', 'send the body as application/json');
  next();
};
