/**
 * A wissing forwarded to Halt, end to end with the partner's own import code and CLI (issue 19
 * items 3-4): Halt's nightly snapshot import sends its export; the jurist registers a wissing for
 * one youth (pseudonymised under the rights doel) and forwards it; Halt's adapter sees the task
 * with its own ref (SDK and `jpp-adapter verzoektaken`), answers `withdrawn`; the signal is gone,
 * and the next snapshot import does not bring it back: not with the adapter's state, and not
 * with a fresh state directory that would re-send the whole export, and not from an adapter that
 * does not know of the erasure (the broker refuses it with code `erased`, the adapter skips it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day } from '../support/synthetic.js';
import { amsterdamDay } from '../../broker/rights/verzoek-fns.js';
import {
  answerVerzoekTaak,
  generateExamples,
  listVerzoekTaken,
  loadMapping,
  loadSodiumVoprfSuite,
  mapRow,
  pseudonymise,
  readExport,
  runImport,
  type IdentityInput,
} from '../../adapters/index.js';
import type { VoprfSuite } from '../../protocol/pseudonymisation/voprf-suite.js';

const BIN = fileURLToPath(new URL('../../bin/jpp-adapter.js', import.meta.url));
const run = promisify(execFile);
let b: TestBroker;
let suite: VoprfSuite;
const work = mkdtempSync(join(tmpdir(), 'jpp-erasure-'));
const exports = join(work, 'exports');

beforeAll(async () => {
  b = await startTestBroker();
  suite = await loadSodiumVoprfSuite();
  generateExamples({ out: exports, partners: [{ id: 'halt', categories: ['halt-afdoening'] }], doelgroep: { maxAge: 27 }, rows: 30, today: b.clock.now });
}, 120_000);
afterAll(async () => b?.close());

const nightly = async (stateDir: string, batchSize = 25) => {
  const token = await b.adapterToken('halt');
  return runImport({
    mapping: loadMapping(join(exports, 'halt.mapping.json')),
    exportFile: join(exports, 'halt.csv'),
    mode: 'snapshot',
    stateDir: join(work, stateDir),
    broker: { baseUrl: b.url, token },
    custodian: { baseUrl: `${b.url}/custodian/v1`, token, suite },
    batchSize,
    today: day(b.clock.now, 0),
  });
};
const held = async (ref: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from signals where partner_id = 'halt' and ref = ${ref}`.execute(b.broker.db)).rows[0]!.n;

async function firstSignalRow(): Promise<{ identity: IdentityInput; ref: string }> {
  const mapping = loadMapping(join(exports, 'halt.mapping.json'));
  for await (const row of readExport(join(exports, 'halt.csv'), mapping.source)) {
    if ('error' in row) continue;
    const out = mapRow(row.record, mapping, day(b.clock.now, 0));
    if (out.kind === 'signal' && 'bsn' in out.signal.identity) return { identity: out.signal.identity, ref: out.signal.ref };
  }
  throw new Error('no signal row');
}

it('a wissing forwarded to Halt: the adapter sees its own ref, withdraws it, and the next snapshot import does not bring it back', async () => {
  const first = await nightly('state');
  expect(first.sent).toBeGreaterThan(10);
  expect(first.openTaken).toBe(0);
  const { identity, ref } = await firstSignalRow();
  expect(await held(ref)).toBe(1);

  // The jurist: register the wissing (the youth pseudonymised under the rights doel) and forward it.
  const jurist = await b.token('demo-jurist');
  const { pseudonyms } = await pseudonymise({ baseUrl: `${b.url}/custodian/v1`, token: jurist, suite }, [identity], { doel: 'jpp-rechten-betrokkenen' });
  const verzoek = await b.call('POST', '/v1/verzoeken', {
    token: jurist,
    body: { subject: pseudonyms[0], type: 'wissing', receivedOn: amsterdamDay(b.clock.now), requester: 'ouder-of-voogd', identityCheck: 'legitimatiebewijs-getoond' },
  });
  expect(verzoek.status, verzoek.text).toBe(201);
  const forwarded = await b.call('POST', `/v1/verzoeken/${verzoek.body.verzoekId}/taken`, { token: jurist, body: { partners: ['halt'] } });
  expect(forwarded.status, forwarded.text).toBe(201);

  // Halt's adapter: the task with its own ref, nothing else.
  const broker = { baseUrl: b.url, token: await b.adapterToken('halt') };
  const taken = await listVerzoekTaken(broker);
  expect(taken).toHaveLength(1);
  expect(taken[0]).toMatchObject({ type: 'wissing', status: 'open', refs: [ref] });
  expect(JSON.stringify(taken)).not.toContain(pseudonyms[0]);
  const cli = await run(process.execPath, [BIN, 'verzoektaken'], { env: { ...process.env, JPP_ADAPTER_TOKEN: broker.token, JPP_BROKER_URL: b.url } });
  expect(cli.stdout).toContain(`${taken[0]!.taakId} wissing open`);
  expect(cli.stdout).toContain(ref);
  const answered = await answerVerzoekTaak(broker, taken[0]!.taakId, { outcome: 'withdrawn' });
  expect(answered.status).toBe('withdrawn');
  expect(await held(ref)).toBe(0);

  // The next snapshot import: the record is still in Halt's export, but it is skipped as erased.
  const second = await nightly('state');
  expect(second.skippedBy.erased).toBe(1);
  expect(second.openTaken).toBe(0);
  expect(second.rejections.filter((r) => r.field.startsWith('broker'))).toEqual([]);
  expect(await held(ref)).toBe(0);
  const state = JSON.parse(readFileSync(join(work, 'state', 'state.json'), 'utf8')) as { refs: Record<string, unknown>; erased: string[] };
  expect(state.erased).toEqual([ref]);
  expect(state.refs[ref]).toBeUndefined();

  // An adapter that lost its state re-sends the whole export: the erased record stays out.
  const fresh = await nightly('state-lost');
  expect(fresh.skippedBy.erased).toBe(1);
  expect(fresh.sent + fresh.duplicate).toBe(first.sent - 1);
  expect(await held(ref)).toBe(0);
  // An adapter that does not know (its state lost, and the task not listed: here removed from the
  // register by hand) sends it: the broker refuses it with code erased, and the adapter skips it as such.
  await sql`delete from verzoek_taken where partner_id = 'halt'`.execute(b.broker.db);
  // (Another batch size: the same export cut the same way would replay the first run's stored batch results.)
  const unaware = await nightly('state-unaware', 20);
  expect(unaware.skippedBy.erased).toBe(1);
  expect(unaware.rejections).toEqual(first.rejections);
  expect(await held(ref)).toBe(0);
  const unawareState = JSON.parse(readFileSync(join(work, 'state-unaware', 'state.json'), 'utf8')) as { refs: Record<string, unknown>; erased: string[] };
  expect(unawareState.erased).toEqual([ref]);
  expect(unawareState.refs[ref]).toBeUndefined();
  const refused = await sql<{ n: number }>`select count(*)::int as n from logboek_entries where action = 'signal-batch' and (content::json->'details'->>'erased')::int = 1`.execute(b.broker.db);
  expect(refused.rows[0]!.n).toBe(1);
  const erasedSteps = await sql<{ outcome: string }>`select outcome from logboek_entries where action = 'signal-withdrawal' and content like ${`%${ref}%`}`.execute(b.broker.db);
  expect(erasedSteps.rows.map((r) => r.outcome)).toEqual(['withdrawn']);
}, 180_000);
