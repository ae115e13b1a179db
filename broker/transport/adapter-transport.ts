/**
 * How an adapter connected, checked against its token and the register (issue 6): over mTLS the
 * certificate's partner must be the token's, and its subject the registered one where the
 * register names one; outside demo mode only mTLS is accepted. Every adapter route applies it
 * (signals, withdrawals, the tasks of verzoeken).
 */
import { AppError } from '../errors/app-error.js';
import type { Transport } from './client-certificate.js';

export function checkAdapterTransport(adapter: { readonly partner: string; readonly certificateSubject: string | null }, transport: Transport, requireMtls: boolean): void {
  if (transport.channel === 'mtls' && transport.partner !== adapter.partner) {
    throw new AppError('forbidden', "the client certificate belongs to another partner than the token's");
  }
  if (transport.channel === 'mtls' && adapter.certificateSubject !== null && transport.subject !== adapter.certificateSubject) {
    throw new AppError('forbidden', "the client certificate's subject is not the one registered for this adapter");
  }
  if (requireMtls && transport.channel !== 'mtls') {
    throw new AppError('forbidden', 'partner adapters must connect over mTLS with their client certificate');
  }
}
