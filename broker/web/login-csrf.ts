/**
 * CSRF protection for the one form a visitor posts before logging in (the login form), without
 * a session: a signed double-submit cookie (OWASP CSRF Prevention Cheat Sheet). The page sets
 * a random nonce in an httpOnly cookie and puts `nonce.HMAC(secret, nonce)` in the form; the
 * POST must carry both, and they must agree. csrf-sync, which protects every form after login,
 * keeps its token in the session, so using it here stored a session row for every anonymous
 * page view (issue 17): a session row is written only at login now.
 *
 * Invariants: no database access; a token verifies only with the cookie of the browser it was
 * issued to and under this platform's session secret; comparison in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export interface LoginCsrf {
  /** The token for the login form; sets (or keeps) the browser's nonce cookie. */
  issue(req: Request, res: Response): string;
  /** Whether the request's token (form field `_csrf` or header `x-csrf-token`) and nonce cookie agree. */
  verify(req: Request): boolean;
}

const LIFETIME_MS = 60 * 60 * 1000;

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export function createLoginCsrf(o: { secret: string; cookieName: string; cookiePath: string; secure: boolean }): LoginCsrf {
  const sign = (nonce: string): string => createHmac('sha256', o.secret).update(`jpp-login-csrf:${nonce}`).digest('base64url');
  const wellFormed = (nonce: string | undefined): nonce is string => nonce !== undefined && /^[A-Za-z0-9_-]{22}$/.test(nonce);
  return {
    issue(req, res) {
      let nonce = cookieValue(req, o.cookieName);
      if (!wellFormed(nonce)) {
        nonce = randomBytes(16).toString('base64url');
        res.cookie(o.cookieName, nonce, { httpOnly: true, sameSite: 'lax', secure: o.secure, path: o.cookiePath, maxAge: LIFETIME_MS });
      }
      return `${nonce}.${sign(nonce)}`;
    },
    verify(req) {
      const token = (req.body as Record<string, unknown> | undefined)?.['_csrf'] ?? req.get('x-csrf-token');
      const nonce = cookieValue(req, o.cookieName);
      if (typeof token !== 'string' || !wellFormed(nonce)) return false;
      const [tokenNonce, mac] = token.split('.');
      if (tokenNonce !== nonce || !mac) return false;
      const expected = Buffer.from(sign(nonce));
      const given = Buffer.from(mac);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
