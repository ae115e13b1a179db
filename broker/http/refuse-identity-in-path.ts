/**
 * Path segments are typed too (a BSN pasted into /v1/cases/{caseId}): every segment after
 * the API's prefix is read by the identity detector as an identifier, and one that looks
 * like an identity is refused (422 identity-detected) before any route runs, so nothing is
 * looked up, stored or logged with it (the request log redacts such segments as well,
 * logger.ts). The problem names the segment as `/path/<n>` (n counts from 0 after the
 * prefix), never its value. A UUID is the broker's own id, not typed: its hex groups can
 * hold 8 digits by chance, so it is not read.
 */
import type { RequestHandler } from 'express';
import { identityDetected } from '../errors/app-error.js';
import { identityError } from '../../protocol/identity/identity-detector.js';
import type { FieldError } from '../../protocol/schemas/schema-registry.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const refuseIdentityInPath: RequestHandler = (req, _res, next) => {
  const errors: FieldError[] = [];
  req.path
    .split('/')
    .slice(1)
    .forEach((segment, i) => {
      let value: string;
      try {
        value = decodeURIComponent(segment);
      } catch {
        value = segment;
      }
      if (UUID.test(value)) return;
      const error = identityError(`/path/${i}`, value, 'identifier');
      if (error) errors.push({ pointer: error.pointer, code: error.code, detail: error.detail.replace('this field', 'this path segment') });
    });
  if (errors.length > 0) throw identityDetected(errors);
  next();
};
