/**
 * mTLS for tests: a development PKI in the test broker's DATA_DIR (as demo mode makes
 * it), the mTLS listener on a free port, and raw HTTPS calls with or without a client
 * certificate.
 */
import { request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initPki, issuePartner, pkiPaths, type IssuedPartner } from '../../broker/transport/dev-pki.js';
import { listenMtls } from '../../broker/transport/mtls-listener.js';
import type { TestBroker } from './test-broker.js';
import type { ClientTls } from '../../adapters/broker-client.js';

export interface MtlsFixture {
  readonly url: string;
  readonly pkiDir: string;
  readonly ca: Buffer;
  issue(partner: string): Promise<IssuedPartner & { tls: ClientTls; signingKeyFile: string }>;
  close(): Promise<void>;
}

/** Creates the PKI in b.dataDir/pki (the config's default) and starts the mTLS listener. */
export async function startMtls(b: TestBroker): Promise<MtlsFixture> {
  const pkiDir = join(b.dataDir, 'pki');
  initPki(pkiDir);
  const paths = pkiPaths(pkiDir);
  const server: Server = await listenMtls(b.broker.app, { cert: paths.serverCert, key: paths.serverKey, ca: paths.caCert }, 0, '127.0.0.1');
  const ca = readFileSync(paths.caCert);
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    pkiDir,
    ca,
    async issue(partner) {
      const issued = await issuePartner(pkiDir, partner);
      return {
        ...issued,
        tls: { cert: readFileSync(join(issued.dir, 'client.cert.pem')), key: readFileSync(join(issued.dir, 'client.key.pem')), ca },
        signingKeyFile: join(issued.dir, 'signing-key.jwk.json'),
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One HTTPS request; a fresh connection each time (no agent), so that each call does its own handshake. */
export function httpsCall(
  url: string,
  opts: { method: string; path: string; tls?: Partial<ClientTls>; ca: Buffer; token?: string; body?: string; type?: string },
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(opts.path, url),
      {
        method: opts.method,
        agent: false,
        ca: opts.ca,
        ...(opts.tls?.cert ? { cert: opts.tls.cert, key: opts.tls.key } : {}),
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-type': opts.type ?? 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
