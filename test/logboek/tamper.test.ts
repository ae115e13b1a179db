/**
 * An attacker with the database owner's rights edits, deletes, reorders, inserts and truncates
 * logboek rows through SQL, bypassing the append-only triggers (`test/support/logboek-attacker.ts`).
 * `audit verify`, reading the database directly and reading an export made over HTTP afterwards,
 * against the checkpoint a witness held from before the attack, catches each one and names the
 * right entry. The cases share one broker and its prepared log: the damage is committed, so the
 * logboek's tables are put back as they were after each case (`snapshotLogboek`), and the first
 * test checks that the log it starts from is whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { canonicalJson, leafData } from '../../broker/logboek/log-entry.js';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { exportLog } from '../../broker/logboek/export-log.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { witnessOnce } from '../../broker/logboek/witness.js';
import { readWitnessStore } from '../../broker/logboek/witness-store.js';
import { verifyCommand, type AuditIo } from '../../broker/commands/audit.js';
import { asAttacker, entryAt, forgeEntry, rebuildNodes, snapshotLogboek } from '../support/logboek-attacker.js';

interface Scenario {
  b: TestBroker;
  dir: string;
  store: string;
  /** The checkpoints the witness holds, oldest first. */
  held: Array<{ id: number; size: number }>;
}

let prepared: Promise<Scenario & { restore: () => Promise<void> }> | undefined;
let attacked = false;
afterEach(async () => {
  // Put the logboek back as the witness saw it, for the next case, and show that it is whole again.
  if (prepared && attacked) {
    const s = await prepared;
    await s.restore();
    const out = capture();
    expect(await verifyCommand({ database: true, witnessStore: s.store, json: true }, out.io, { db: s.b.broker.db })).toBe(0);
  }
  attacked = false;
});
beforeAll(async () => {
  await (prepared = prepare());
});
afterAll(async () => {
  if (!prepared) return;
  const s = await prepared;
  await s.b.close();
  rmSync(s.dir, { recursive: true, force: true });
});

/** The file's prepared broker (below), which this case may attack. */
function scenario(): Promise<Scenario> {
  attacked = true;
  return prepared!;
}

/** A broker with three rounds of questions, a checkpoint after each, and a witness that holds them. */
async function prepare(): Promise<Scenario & { restore: () => Promise<void> }> {
  const b = await startTestBroker();
  const dir = mkdtempSync(join(tmpdir(), 'jpp-tamper-'));
  const current: Scenario = { b, dir, store: join(dir, 'witness'), held: [] };
  const token = await b.token('demo-voorzitter');
  for (let round = 0; round < 3; round++) {
    for (let q = 0; q < 2; q++) {
      const res = await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
      expect(res.status).toBe(200);
    }
    await b.broker.sequencer.drain({ forceCheckpoint: true });
  }
  const witnessed = await witnessOnce({ client: createLogClient(b.url), store: current.store });
  expect(witnessed.status).toBe('ok');
  current.held = readWitnessStore(current.store).checkpoints.map((c) => ({ id: c.id!, size: c.body.treeSize }));
  expect(current.held.length).toBeGreaterThanOrEqual(3);
  // Freeze the tree: from here on, only the attacker writes to it.
  await b.broker.sequencer.stop();
  return { ...current, restore: await snapshotLogboek(b.broker.db) };
}

/** The witnessed checkpoints just before and just after `seq`. */
function around(s: Scenario, seq: number): { before: { id: number; size: number }; after: { id: number; size: number } } {
  const i = s.held.findIndex((c) => c.size > seq);
  expect(i).toBeGreaterThan(0);
  return { before: s.held[i - 1]!, after: s.held[i]! };
}

const capture = (): { io: AuditIo; text: () => string } => {
  const lines: string[] = [];
  return { io: { out: (l) => lines.push(l), err: (l) => lines.push(l) }, text: () => lines.join('\n') };
};

interface Outcome {
  code: number;
  report: { valid: boolean; firstBreak?: { seq?: number; kind: string; detail: string; range?: { from: number; to: number } } };
  human: string;
}

/** `audit verify --database` on the broker's database, and `audit verify --export` of a fresh export. */
async function verifyBothWays(s: Scenario): Promise<{ database: Outcome; export: Outcome }> {
  const run = async (opts: Parameters<typeof verifyCommand>[0], deps: Parameters<typeof verifyCommand>[2] = {}): Promise<Outcome> => {
    const json = capture();
    const code = await verifyCommand({ ...opts, json: true }, json.io, deps);
    const human = capture();
    expect(await verifyCommand(opts, human.io, deps)).toBe(code);
    return { code, report: JSON.parse(json.text()), human: human.text() };
  };
  const database = await run({ database: true, witnessStore: s.store }, { db: s.b.broker.db });
  const out = join(s.dir, `export-${Date.now()}`);
  await exportLog(createLogClient(s.b.url, { token: await s.b.token('demo-jurist') }), out);
  const exported = await run({ export: out, witnessStore: s.store });
  for (const o of [database, exported]) {
    // Seq numbers and kinds only: no people, organisations or subject hashes.
    expect(o.human).not.toMatch(/demo-voorzitter|zvh-limburg-noord|voorzitter"/);
  }
  return { database, export: exported };
}

const rows = entryAt;

describe('an untouched log', () => {
  it('is valid from the database and from an export', async () => {
    const s = await scenario();
    const { database, export: exported } = await verifyBothWays(s);
    for (const o of [database, exported]) {
      expect(o.code).toBe(0);
      expect(o.report.valid).toBe(true);
      expect(o.human).toMatch(/RESULT: VALID/);
    }
  });
});

describe('the verifier names the entry', () => {
  it('edited: an outcome changed in the row (leaf hash left alone)', async () => {
    const s = await scenario();
    const seq = 20;
    await asAttacker(s.b.broker.db, async (trx) => {
      await sql`update logboek_entries
                   set outcome = case when outcome = 'hit' then 'no-hit' else 'hit' end,
                       content = jsonb_set(content::jsonb, '{outcome}', to_jsonb(case when outcome = 'hit' then 'no-hit' else 'hit' end))::text
                 where id = (select entry_id from logboek_leaves where seq = ${seq})`.execute(trx);
    });
    const r = await verifyBothWays(s);
    for (const o of [r.database, r.export]) {
      expect(o.code).toBe(2);
      expect(o.report.firstBreak).toMatchObject({ seq, kind: 'changed' });
      expect(o.human).toContain(`RESULT: BROKEN at entry ${seq} (changed)`);
    }
  });

  it('edited with its leaf hash recomputed: pinned by the stored nodes, narrowed by checkpoints in an export', async () => {
    const s = await scenario();
    const seq = 25;
    const row = await rows(s.b.broker.db, seq);
    const content = JSON.parse(row.content) as Record<string, unknown>;
    const forged = canonicalJson({ ...content, outcome: content['outcome'] === 'hit' ? 'no-hit' : 'hit' });
    await asAttacker(s.b.broker.db, (trx) => forgeEntry(trx, seq, forged));
    const r = await verifyBothWays(s);
    expect(r.database.code).toBe(2);
    expect(r.database.report.firstBreak).toMatchObject({ seq, kind: 'root-mismatch', range: { from: seq, to: seq + 1 } });
    expect(r.database.human).toContain(`RESULT: BROKEN at entry ${seq} (root-mismatch)`);
    // An export has no stored nodes: the checkpoints before and after the entry bound it.
    const { before, after } = around(s, seq);
    expect(r.export.code).toBe(2);
    expect(r.export.report.firstBreak).toMatchObject({ kind: 'root-mismatch', range: { from: before.size, to: after.size } });
    expect(r.export.human).toContain(
      `entries ${before.size}–${after.size - 1} were changed or reordered consistently (each matches its own leaf hash); checkpoint ${after.id} (size ${after.size}) does not match; checkpoint ${before.id} (size ${before.size}) does`,
    );
  });

  it('edited with leaf hash and every Merkle node recomputed: narrowed honestly to a range', async () => {
    const s = await scenario();
    const seq = 30;
    const row = await rows(s.b.broker.db, seq);
    const forged = canonicalJson({ ...(JSON.parse(row.content) as object), caseRef: 'rewritten' });
    await asAttacker(s.b.broker.db, async (trx) => {
      await forgeEntry(trx, seq, forged);
      await rebuildNodes(trx);
    });
    const r = await verifyBothWays(s);
    const { before, after } = around(s, seq);
    for (const o of [r.database, r.export]) {
      expect(o.code).toBe(2);
      expect(o.report.firstBreak).toMatchObject({ kind: 'root-mismatch', range: { from: before.size, to: after.size } });
      expect(o.report.firstBreak!.seq).toBeUndefined();
    }
  });

  it('deleted: a row removed', async () => {
    const s = await scenario();
    await asAttacker(s.b.broker.db, async (trx) => {
      await sql`delete from logboek_leaves where seq = 17`.execute(trx);
    });
    const r = await verifyBothWays(s);
    for (const o of [r.database, r.export]) {
      expect(o.code).toBe(2);
      expect(o.report.firstBreak).toMatchObject({ seq: 17, kind: 'missing', detail: 'entry 17 is missing: after entry 16 comes entry 18' });
    }
  });

  it('reordered: two rows swap places', async () => {
    const s = await scenario();
    await asAttacker(s.b.broker.db, async (trx) => {
      await sql`update logboek_leaves set seq = 1000000 where seq = 8`.execute(trx);
      await sql`update logboek_leaves set seq = 8 where seq = 9`.execute(trx);
      await sql`update logboek_leaves set seq = 9 where seq = 1000000`.execute(trx);
    });
    const r = await verifyBothWays(s);
    for (const o of [r.database, r.export]) {
      expect(o.code).toBe(2);
      expect(o.report.firstBreak).toMatchObject({ seq: 8, kind: 'reordered', detail: 'entry 8 holds the entry that was logged as entry 9: entries were removed or moved' });
    }
  });

  it('inserted after the fact: a forged row slipped in, later rows renumbered', async () => {
    const s = await scenario();
    const seq = 12;
    const forged = (await rows(s.b.broker.db, 3)).content;
    await asAttacker(s.b.broker.db, async (trx) => {
      await sql`update logboek_leaves set seq = seq + 1000000 where seq >= ${seq}`.execute(trx);
      await sql`update logboek_leaves set seq = seq - 1000000 + 1 where seq >= 1000000`.execute(trx);
      const id = (await sql<{ id: number }>`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
                values (${forged}, 'disclosure', now(), 'forger', 'hit', 'forged') returning id`.execute(trx)).rows[0]!.id;
      await sql`insert into logboek_leaves (seq, entry_id, leaf_hash) values (${seq}, ${id}, ${leafHash(leafData(forged, seq))})`.execute(trx);
    });
    const r = await verifyBothWays(s);
    for (const o of [r.database, r.export]) {
      expect(o.code).toBe(2);
      expect(o.report.firstBreak).toMatchObject({ seq, kind: 'reordered' });
      expect(o.report.firstBreak!.detail).toMatch(/entry 12 is not what was logged there: the entry logged as entry 12 is now entry 13, so entries were inserted after the fact/);
    }
  });

  it('truncated: the newest rows deleted', async () => {
    const s = await scenario();
    const last = s.held[s.held.length - 1]!;
    const keep = last.size - 7;
    await asAttacker(s.b.broker.db, async (trx) => {
      await sql`delete from logboek_leaves where seq >= ${keep}`.execute(trx);
    });
    const r = await verifyBothWays(s);
    for (const o of [r.database, r.export]) {
      expect(o.code).toBe(2);
      expect(o.report.firstBreak).toMatchObject({ seq: keep, kind: 'truncated' });
      expect(o.human).toContain(`the log ends after entry ${keep - 1}, but checkpoint ${last.id} (size ${last.size}) commits to ${last.size} entries`);
    }
  });
});
