/**
 * Bearer authentication (RFC 6750) for every /v1 route. It only establishes who calls;
 * what they may do is checked in the services, below the routes.
 */
import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';

export function authenticate(verify: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="jpp-broker"');
      throw new AppError('unauthenticated', 'send a bearer token in the Authorization header');
    }
    try {
      res.locals['principal'] = await verify(match[1]!);
    } catch (err) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="jpp-broker", error="invalid_token"');
      throw err;
    }
    next();
  };
}

/** The authenticated caller of this request. */
export function principalOf(res: Response): Principal {
  const p = res.locals['principal'] as Principal | undefined;
  if (!p) throw new AppError('unauthenticated', 'not authenticated');
  return p;
}
