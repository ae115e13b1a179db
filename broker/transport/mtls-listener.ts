/**
 * The broker's mTLS listener: HTTPS that asks every client for a certificate and checks
 * its chain against the configured CA (and CRL, if given). It serves the same Express
 * app as the plain listener; `client-certificate.ts` turns the verified certificate into
 * a partner, and the signal service requires that partner outside demo mode.
 *
 * `rejectUnauthorized: false` on purpose: a client without a valid certificate gets an
 * RFC 9457 problem saying why, instead of a bare handshake failure. Every request on a
 * TLS socket is checked, so nothing passes unverified.
 */
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';

export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly crl?: string | undefined;
}

export function listenMtls(app: Express, files: TlsFiles, port: number, host: string): Promise<Server> {
  const server = createServer(
    {
      cert: readFileSync(files.cert),
      key: readFileSync(files.key),
      ca: readFileSync(files.ca),
      ...(files.crl ? { crl: readFileSync(files.crl) } : {}),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    app,
  );
  // Adapters keep their connection open between batches while they pseudonymise the next
  // one; Node's default of 5 s would close it under them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
