/**
 * The key custodian as the web interface reaches it for a browser. The browser sends blinded
 * elements to the broker's web endpoint (same origin, session cookie, CSRF header); this
 * gateway passes them on:
 * - in demo mode to the custodian service in this process, with the session's principal,
 *   so its access check, quota and log entry apply as for any caller;
 * - in production to the custodian's own process (JPP_CUSTODIAN_URL), with the user's
 *   OpenID Connect access token, which the custodian verifies itself.
 * Either way only blinded elements pass here: never an identity, never a pseudonym.
 */
import { AppError } from '../errors/app-error.js';
import type { CustodianService, EvaluateResult, KeysView } from '../custodian/custodian.service.js';
import type { PersonPrincipal } from '../auth/principal.js';

export interface WebCustodian {
  keys(): Promise<KeysView>;
  evaluate(principal: PersonPrincipal, body: unknown, traceId: string, accessToken: string | undefined): Promise<EvaluateResult>;
}

export function inProcessCustodian(service: CustodianService): WebCustodian {
  return {
    keys: async () => service.keys(),
    evaluate: (principal, body, traceId) => service.evaluate(principal, body, traceId),
  };
}

export function remoteCustodian(baseUrl: string, fetchImpl: typeof fetch = fetch): WebCustodian {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async <T>(path: string, init: RequestInit): Promise<T> => {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new AppError('unavailable', 'the key custodian cannot be reached', [], { cause: err });
    }
    const body = (await res.json().catch(() => ({}))) as T & { detail?: string };
    if (!res.ok) {
      const code = res.status === 429 ? 'too-many-requests' : res.status === 401 ? 'unauthenticated' : res.status === 403 ? 'forbidden' : res.status === 422 ? 'validation' : 'unavailable';
      throw new AppError(code, body.detail ?? `the key custodian answered ${res.status}`);
    }
    return body;
  };
  return {
    keys: () => call<KeysView>('/keys', { method: 'GET' }),
    evaluate: (_principal, body, traceId, accessToken) => {
      if (!accessToken) throw new AppError('unauthenticated', 'log in again: the session holds no access token for the key custodian');
      return call<EvaluateResult>('/evaluate', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, traceparent: `00-${traceId}-${'0'.repeat(15)}1-01` },
        body: JSON.stringify(body),
      });
    },
  };
}
