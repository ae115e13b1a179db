/**
 * An express-session store over kysely (table web_sessions, migration 0010). Why our own:
 * the published PostgreSQL stores open their own pg pool, which cannot reach the embedded
 * PGlite database; this one uses the broker's database on either engine.
 *
 * Invariants: an expired session is never returned; expired rows are removed now and then,
 * on the writes that create sessions.
 */
import session from 'express-session';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { deleteExpiredSessions, deleteSession, findSession, saveSession, touchSession } from './web-session.repository.js';

export class KyselySessionStore extends session.Store {
  #sweeps = 0;
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
    /** Lifetime of a session without activity (ms); every request renews it (rolling). */
    private readonly ttlMs: number,
  ) {
    super();
  }

  /** Expiry on the broker's clock (the cookie's own expiry uses the wall clock, which tests move away from). */
  #expiry(_s: session.SessionData): Date {
    return new Date(this.now().getTime() + this.ttlMs);
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    findSession(this.db, sid, this.now()).then(
      (data) => cb(null, data ? (JSON.parse(data) as session.SessionData) : null),
      (err) => cb(err),
    );
  }

  override set(sid: string, s: session.SessionData, cb?: (err?: unknown) => void): void {
    const sweep = ++this.#sweeps % 100 === 1 ? deleteExpiredSessions(this.db, this.now()) : Promise.resolve(0);
    sweep
      .then(() => saveSession(this.db, sid, JSON.stringify(s), this.#expiry(s)))
      .then(
        () => cb?.(),
        (err) => cb?.(err),
      );
  }

  override touch(sid: string, s: session.SessionData, cb?: () => void): void {
    touchSession(this.db, sid, this.#expiry(s)).then(
      () => cb?.(),
      () => cb?.(),
    );
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    deleteSession(this.db, sid).then(
      () => cb?.(),
      (err) => cb?.(err),
    );
  }
}
