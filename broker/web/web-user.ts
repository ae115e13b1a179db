/**
 * Who is logged in to the web interface, as the session keeps it, and the Principal the
 * pages hand to the services. The pages call the services in process with this principal,
 * so every access check of the API applies to the web interface too (capabilities, the
 * person register, the policy).
 *
 * Outside demo mode the organisation and the role are the person register's (oidc-login.ts):
 * one role per session; a person the register gives several roles chooses one at login.
 */
import type { Request } from 'express';
import type { PersonPrincipal } from '../auth/principal.js';
import { roleHas, type Capability, type Platform } from '../platform/platform.js';

export interface WebUser {
  readonly id: string;
  readonly displayName: string;
  readonly organisation: string;
  readonly role: string;
}

declare module 'express-session' {
  interface SessionData {
    user?: WebUser;
    /** During an OpenID Connect login: PKCE verifier, state and nonce (RFC 7636, OIDC Core §3.1.2.1). */
    oidc?: { verifier: string; state: string; nonce: string; returnTo: string };
    /** The user's OpenID Connect access token, forwarded to a remote key custodian only. */
    accessToken?: string;
    /** The user's ID token, kept only as RP-initiated logout's id_token_hint. */
    idToken?: string;
    /**
     * Between the provider's callback and the person's choice, when the register (narrowed by
     * the provider) gives them more than one role: who they are and the roles to choose from.
     */
    roleChoice?: {
      person: Omit<WebUser, 'role'>;
      roles: string[];
      /** OpenID Connect only (the demo login has no tokens). */
      accessToken?: string;
      idToken?: string;
      returnTo: string;
    };
    /** Exports this session made, by id (downloads are for their maker only). */
    exports?: string[];
  }
}

export function webUserOf(req: Request): WebUser | undefined {
  return req.session?.user;
}

export function principalOfUser(user: WebUser): PersonPrincipal {
  return { kind: 'person', id: user.id, organisation: user.organisation, role: user.role };
}

/** What a role may do in the web interface, from the platform's capabilities. */
export interface WebAbilities {
  readonly query: boolean;
  readonly readLog: boolean;
  /** The casus workflow (voorzitter). */
  readonly manageCases: boolean;
  /** Data-subject rights: inzage (privacy officer, jurist). */
  readonly rights: boolean;
  readonly monitoring: boolean;
  readonly readPolicy: boolean;
  readonly managePolicies: boolean;
  /** The register of people, organisations and adapters (functioneel beheer). */
  readonly administer: boolean;
}

export function abilitiesOf(platform: Platform, user: WebUser): WebAbilities {
  // Capabilities that the platform file of this version may not define yet count as absent.
  const has = (c: string): boolean => roleHas(platform, user.role, c as Capability);
  return {
    query: has('query'),
    readLog: has('read-disclosures'),
    manageCases: has('manage-cases'),
    rights: has('rights'),
    monitoring: has('monitoring'),
    readPolicy: has('read-policy') || has('manage-policy'),
    managePolicies: has('manage-policy'),
    administer: has('administer'),
  };
}
