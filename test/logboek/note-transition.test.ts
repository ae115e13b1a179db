/**
 * The move from JWS checkpoints to C2SP signed notes, as a running log makes it: checkpoints
 * written before migration 0030 exist as JWS only; the first note after them links to the last JWS;
 * a witness store that held JWS checkpoints goes on with notes without a person; exports made
 * before and after verify against that store, and so does the database, across the switch.
 *
 * "Before" is a sequencer whose checkpoints carry no note, exactly the rows the earlier code wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { loadDemoSecrets } from '../../broker/config/demo-secrets.js';
import { createLogSigner, type LogSigner } from '../../broker/logboek/log-signer.js';
import { createSequencer } from '../../broker/logboek/sequencer.js';
import { jwsDigestForNote, parseCheckpointText } from '../../broker/logboek/checkpoint-note.js';
import { parseNote } from '../../broker/logboek/signed-note.js';
import { listCheckpoints } from '../../broker/logboek/logboek.repository.js';
import { witnessOnce } from '../../broker/logboek/witness.js';
import { readWitnessStore } from '../../broker/logboek/witness-store.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { exportLog } from '../../broker/logboek/export-log.js';
import { verifyCommand, type AuditIo } from '../../broker/commands/audit.js';

describe('from JWS checkpoints to signed notes', () => {
  let b: TestBroker;
  let dir: string;
  beforeAll(async () => {
    b = await startTestBroker({ env: { JPP_SEQUENCER: 'off' } });
    dir = mkdtempSync(join(tmpdir(), 'jpp-transition-'));
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (n: number): Promise<void> => {
    const token = await b.token('demo-voorzitter');
    for (let i = 0; i < n; i++) {
      expect((await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) })).status).toBe(200);
    }
  };
  const verify = async (opts: Parameters<typeof verifyCommand>[0]): Promise<{ code: number; report: { valid: boolean; checkpointsChecked: number; trust: string[] } }> => {
    const lines: string[] = [];
    const io: AuditIo = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
    const code = await verifyCommand({ ...opts, json: true }, io, { db: b.broker.db });
    return { code, report: JSON.parse(lines.join('\n')) };
  };

  it('keeps one chain, one witness store and verifiable exports across the switch', async () => {
    const real = await createLogSigner({ origin: 'jpp-broker/jpp-sittard-geleen', signingJwk: loadDemoSecrets(b.dataDir).logSigningJwk as JWK });
    // The code before notes: the same JWS, no note.
    const jwsOnly: LogSigner = { ...real, sign: async (c) => ({ ...(await real.sign(c)), note: null as unknown as string }) };
    const before = createSequencer({ db: b.broker.db, signer: jwsOnly, checkpointEveryEntries: 1000, checkpointEverySeconds: 3600, now: () => new Date(), logger: pino({ enabled: false }) });
    for (let i = 0; i < 2; i++) {
      await ask(2);
      await before.drain({ forceCheckpoint: true });
    }
    const store = join(dir, 'witness');
    expect(await witnessOnce({ client: createLogClient(b.url), store })).toMatchObject({ status: 'ok', added: 2 });
    expect(readWitnessStore(store).checkpoints.map((c) => c.body.form)).toEqual(['jws', 'jws']);
    const jurist = await b.token('demo-jurist');
    await exportLog(createLogClient(b.url, { token: jurist, purpose: 'export' }), join(dir, 'export-before'));

    // The new code: every checkpoint also as a note; the first one links to the last JWS.
    for (let i = 0; i < 2; i++) {
      await ask(2);
      await b.broker.sequencer.drain({ forceCheckpoint: true });
    }
    const rows = await listCheckpoints(b.broker.db, 0, 100);
    expect(rows.map((r) => r.note !== null)).toEqual([false, false, true, true]);
    expect(parseCheckpointText(parseNote(rows[2]!.note!).text).previous).toBe(jwsDigestForNote(rows[1]!.jws));
    expect((await b.call('GET', '/v1/log/checkpoint')).text).toBe(rows[3]!.note);

    expect(await witnessOnce({ client: createLogClient(b.url), store })).toMatchObject({ status: 'ok', added: 2 });
    expect(readWitnessStore(store).checkpoints.map((c) => c.body.form)).toEqual(['jws', 'jws', 'note', 'note']);

    await exportLog(createLogClient(b.url, { token: jurist, purpose: 'export' }), join(dir, 'export-after'));
    const old = await verify({ export: join(dir, 'export-before'), witnessStore: store });
    expect(old.code).toBe(0);
    expect(old.report.checkpointsChecked).toBe(2);
    const now = await verify({ export: join(dir, 'export-after'), witnessStore: store });
    expect(now.code).toBe(0);
    expect(now.report.checkpointsChecked).toBe(4);
    expect(now.report.trust[0]).toContain('(signed note)');
    const db = await verify({ database: true, witnessStore: store });
    expect(db).toMatchObject({ code: 0, report: { valid: true, checkpointsChecked: 4 } });
  }, 240_000);
});
