/**
 * The broker's mTLS listener: HTTPS that asks every client for a certificate and checks
 * its chain against the configured CA (and CRL, if given). It serves the same Express
 * app as the plain listener; `client-certificate.ts` turns the verified certificate into
 * a partner, and the signal service requires that partner outside demo mode.
 *
 * Each broker (each platform, where one process serves several) has a listener of its own, on
 * its own port, trusting only its own CA: an adapter reaches its platform by the port, and a
 * certificate of another platform's PKI never verifies there.
 *
 * `rejectUnauthorized: false` on purpose: a client without a valid certificate gets an
 * RFC 9457 problem saying why, instead of a bare handshake failure. Every request on a
 * TLS socket is checked, so nothing passes unverified.
 */
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { BrokerConfig } from '../config/config.js';
import { initPki } from './dev-pki.js';

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

/**
 * The mTLS listener of one broker's configuration (JPP_MTLS_PORT, its TLS files), or undefined
 * when it has none. Demo mode makes the development PKI on first start (`createdPki`).
 */
export async function listenAdapterMtls(config: BrokerConfig, app: Express): Promise<{ server: Server; url: string; createdPki: boolean } | undefined> {
  const t = config.transport;
  if (t.mtlsPort === undefined) return undefined;
  const createdPki = config.mode === 'demo' && initPki(t.pkiDir);
  const server = await listenMtls(app, { cert: t.tlsCert, key: t.tlsKey, ca: t.tlsCa, crl: t.tlsCrl }, t.mtlsPort, config.host);
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return { server, url: `https://${host}:${(server.address() as AddressInfo).port}`, createdPki };
}
