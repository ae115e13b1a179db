/** The raw counts monitoring aggregates: never a row about one person leaves this module's service. */
import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.js';
import { DISCLOSURE_ACTIONS } from '../logboek/disclosure-fns.js';
import type { InvitationCategory } from './monitoring-table-fns.js';

/** Cases aangemeld in [from, to), with their route in and their status at `to` (from the history). */
export async function casesOpenedIn(
  ex: Executor,
  from: Date,
  to: Date,
): Promise<Array<{ routeIn: string; statusAtEnd: string; aanmeldcriteria: string[]; regiehouderAtEnd: string | null }>> {
  const rows = await ex
    .selectFrom('cases as c')
    .select([
      'c.route_in as routeIn',
      'c.aanmeldcriteria as aanmeldcriteria',
      'c.regiehouder as regiehouder',
      'c.regiehouder_since as regiehouderSince',
      (eb) =>
        eb
          .selectFrom('case_status_changes as h')
          .select('h.to_status')
          .whereRef('h.case_id', '=', 'c.id')
          .where('h.changed_at', '<', to)
          .orderBy('h.changed_at', 'desc')
          .orderBy('h.id', 'desc')
          .limit(1)
          .as('statusAtEnd'),
    ])
    .where('c.opened_at', '>=', from)
    .where('c.opened_at', '<', to)
    .execute();
  return rows.map((r) => ({
    routeIn: r.routeIn,
    statusAtEnd: r.statusAtEnd ?? 'aangemeld',
    aanmeldcriteria: r.aanmeldcriteria ?? [],
    // The regie as it stood at the end of the period (recorded later: none yet then).
    regiehouderAtEnd: r.regiehouder && r.regiehouderSince && r.regiehouderSince < to ? r.regiehouder : null,
  }));
}

/** Casussen closed in [from, to), by outcome. */
export async function closedIn(ex: Executor, from: Date, to: Date): Promise<Array<{ outcome: string; n: number }>> {
  return ex
    .selectFrom('cases')
    .select(['outcome', sql<number>`count(*)::int`.as('n')])
    .where('closed_at', '>=', from)
    .where('closed_at', '<', to)
    .groupBy('outcome')
    .execute() as Promise<Array<{ outcome: string; n: number }>>;
}

/** Days from aanmelding to the first bespreking, for casussen first besproken in [from, to). */
export async function daysToBespreking(ex: Executor, from: Date, to: Date): Promise<number[]> {
  const rows = await ex
    .selectFrom('case_status_changes as h')
    .innerJoin('cases as c', 'c.id', 'h.case_id')
    .select(['c.opened_at as openedAt', sql<Date>`min(h.changed_at)`.as('besprokenAt')])
    .where('h.to_status', '=', 'besproken')
    .groupBy(['c.id', 'c.opened_at'])
    .having(sql<Date>`min(h.changed_at)`, '>=', from)
    .having(sql<Date>`min(h.changed_at)`, '<', to)
    .execute();
  return rows.map((r) => Math.floor((new Date(r.besprokenAt).getTime() - r.openedAt.getTime()) / 86_400_000));
}

/**
 * Answers given in [from, to) per partner and outcome, from the logboek: a `disclosure` entry is one
 * answer, a `question` entry one per partner (its index rows, migration 0220), so a question counts
 * the same whichever form logged it (logboek/disclosure-fns.ts).
 */
export async function answersIn(ex: Executor, from: Date, to: Date): Promise<Array<{ partner: string; outcome: string; n: number }>> {
  const rows = await ex
    .selectFrom('logboek_entries as e')
    .leftJoin('logboek_disclosures as d', 'd.entry_id', 'e.id')
    .select([sql<string>`coalesce(d.partner_id, e.partner_id)`.as('partner'), sql<string>`coalesce(d.outcome, e.outcome)`.as('outcome'), sql<number>`count(*)::int`.as('n')])
    .where('e.action', 'in', DISCLOSURE_ACTIONS)
    .where('e.logged_at', '>=', from)
    .where('e.logged_at', '<', to)
    .where(sql<SqlBool>`coalesce(d.partner_id, e.partner_id) is not null`)
    .groupBy([sql`1`, sql`2`])
    .execute();
  return rows.map((r) => ({ partner: r.partner, outcome: r.outcome, n: Number(r.n) }));
}

/** Monitoring: verzoeken received in [from, to) per type and timeliness (on time, late, open), counted in SQL. */
export async function verzoekCountsIn(ex: Executor, from: string, to: string, today: string): Promise<Array<{ type: string; timeliness: 'on-time' | 'late' | 'open'; n: number }>> {
  const rows = await sql<{ type: string; timeliness: 'on-time' | 'late' | 'open'; n: number }>`
    select type,
           case when status = 'open' and coalesce(extended_until, deadline) < ${today}::date then 'late'
                when status = 'open' then 'open'
                when answered_on <= coalesce(extended_until, deadline) then 'on-time'
                else 'late' end as timeliness,
           count(*)::int as n
      from verzoeken
     where received_on >= ${from}::date and received_on < ${to}::date
     group by 1, 2`.execute(ex);
  return rows.rows;
}

/** The age bands of the youths of the casussen aangemeld in [from, to) (a group casus counts each youth). */
export async function ageBandsIn(ex: Executor, from: Date, to: Date): Promise<Array<{ band: string | null; n: number }>> {
  return ex
    .selectFrom('case_subjects as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .select(['s.age_band as band', sql<number>`count(*)::int`.as('n')])
    .where('c.opened_at', '>=', from)
    .where('c.opened_at', '<', to)
    .groupBy('s.age_band')
    .execute() as Promise<Array<{ band: string | null; n: number }>>;
}

/** For casussen closed in [from, to): days from aanmelding to afsluiting, and from the first bespreking (null: never besproken). */
export async function closedDurationsIn(ex: Executor, from: Date, to: Date): Promise<Array<{ fromAanmelding: number; fromBespreking: number | null }>> {
  const rows = await ex
    .selectFrom('cases as c')
    .select([
      'c.opened_at as openedAt',
      'c.closed_at as closedAt',
      (eb) =>
        eb
          .selectFrom('case_status_changes as h')
          .select(sql<Date>`min(h.changed_at)`.as('at'))
          .whereRef('h.case_id', '=', 'c.id')
          .where('h.to_status', '=', 'besproken')
          .as('besprokenAt'),
    ])
    .where('c.closed_at', '>=', from)
    .where('c.closed_at', '<', to)
    .execute();
  const days = (a: Date, b: Date): number => Math.floor((b.getTime() - a.getTime()) / 86_400_000);
  return rows.map((r) => ({
    fromAanmelding: days(r.openedAt, r.closedAt!),
    fromBespreking: r.besprokenAt ? days(new Date(r.besprokenAt), r.closedAt!) : null,
  }));
}

/** Vervolgacties due in [from, to), by whether they were done by their due date, counted in SQL. */
export async function vervolgactiesDueIn(ex: Executor, from: Date, to: Date): Promise<Array<{ timeliness: 'on-time' | 'late'; n: number }>> {
  const rows = await sql<{ timeliness: 'on-time' | 'late'; n: number }>`
    select case when completed_at is not null and completed_at < due_date + interval '1 day' then 'on-time' else 'late' end as timeliness,
           count(*)::int as n
      from case_vervolgacties
     where due_date >= ${from} and due_date < ${to}
     group by 1`.execute(ex);
  return rows.rows;
}

/**
 * Partners invited to the casusoverleg (migration 0120) by a decision made in [from, to), counted
 * once each under the strongest ground the broker recorded: a hit of the partner (`hit`), else the
 * aanmelder or regiehouder (`aanmelder-of-regiehouder`), else added by the voorzitter
 * (`toegevoegd`). Partners the policy did not let be invited are not counted.
 */
export async function invitationsIn(ex: Executor, from: Date, to: Date): Promise<Array<{ ground: InvitationCategory; n: number }>> {
  const rows = await sql<{ ground: InvitationCategory; n: number }>`
    select case when grounds @> '["hit"]'::jsonb then 'hit'
                when grounds @> '["aanmelder"]'::jsonb or grounds @> '["regiehouder"]'::jsonb then 'aanmelder-of-regiehouder'
                else 'toegevoegd' end as ground,
           count(*)::int as n
      from casusoverleg_invitations
     where invited and decided_at >= ${from} and decided_at < ${to}
     group by 1`.execute(ex);
  return rows.rows;
}
