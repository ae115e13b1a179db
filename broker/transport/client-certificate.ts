/**
 * mTLS client certificates: which partner a verified certificate speaks for, and whether
 * it is revoked. The TLS listener (`mtls-listener.ts`) asks for a certificate and checks
 * the chain against the configured CA; this module does the rest, per request.
 *
 * A certificate maps to a partner through a SAN URI `urn:jpp-broker:partner:<id>` (what
 * the development PKI issues). Revocation: serial numbers in the revocation file
 * (`jpp-broker pki revoke`), re-read when it changes; in production a CRL can be given
 * to the listener as well (JPP_TLS_CRL).
 *
 * Invariants: a certificate that did not verify, is revoked, or names no known partner
 * never yields a partner. Certificate contents are not logged.
 */
import { existsSync, statSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import { normaliseSerial, PARTNER_URN_PREFIX, readRevoked } from './dev-pki.js';

/** How a request reached the broker: over mTLS with a verified certificate of `partner`, or not. */
export type Transport = { readonly channel: 'mtls'; readonly partner: string; /** The certificate's subject common name. */ readonly subject?: string } | { readonly channel: 'plain' };

export function createRevocationList(file: string | undefined): (serial: string) => boolean {
  let mtime = -1;
  let revoked = new Set<string>();
  return (serial) => {
    if (!file || !existsSync(file)) return false;
    const m = statSync(file).mtimeMs;
    if (m !== mtime) {
      revoked = readRevoked(file);
      mtime = m;
    }
    return revoked.has(normaliseSerial(serial));
  };
}

/** The partner named in a certificate's subjectAltName (Node's "URI:..., DNS:..." form). */
export function partnerOfAltNames(altNames: string | undefined): string | undefined {
  for (const part of (altNames ?? '').split(/,\s*/)) {
    if (part.startsWith(`URI:${PARTNER_URN_PREFIX}`)) return part.slice(4 + PARTNER_URN_PREFIX.length);
  }
  return undefined;
}

/**
 * For requests over TLS: refuses an unverified, revoked or partnerless client
 * certificate, and records the transport in res.locals for the services to check.
 */
export function clientCertificate(opts: { isRevoked: (serial: string) => boolean; partners: ReadonlySet<string> }): RequestHandler {
  return (req, res, next) => {
    const socket = req.socket as Partial<TLSSocket>;
    if (!socket.encrypted || typeof socket.getPeerCertificate !== 'function') {
      res.locals['transport'] = { channel: 'plain' } satisfies Transport;
      return next();
    }
    const cert = socket.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) throw new AppError('unauthenticated', 'this listener requires a client certificate (mTLS)');
    if (!socket.authorized) throw new AppError('unauthenticated', 'the client certificate is not issued by a trusted CA');
    if (opts.isRevoked(cert.serialNumber)) throw new AppError('unauthenticated', 'the client certificate is revoked');
    const partner = partnerOfAltNames(cert.subjectaltname);
    if (!partner || !opts.partners.has(partner)) throw new AppError('forbidden', 'the client certificate names no partner of this platform');
    const subject = typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined;
    res.locals['transport'] = { channel: 'mtls', partner, ...(subject ? { subject } : {}) } satisfies Transport;
    next();
  };
}

export function transportOf(res: Response): Transport {
  return (res.locals['transport'] as Transport | undefined) ?? { channel: 'plain' };
}
