/**
 * The sequencer in isolation (scenario 8's step 2, without the broker's start-up, export and
 * verify): one database filled once with BENCH_LOG_ENTRIES pending entries (the scenario's fill),
 * then, per round, a fresh copy of it (`CREATE DATABASE … TEMPLATE`) drained by `createSequencer`,
 * with the Node CPU (process.cpuUsage) and the CPU of that database's PostgreSQL backends per
 * entry. BENCH_SEQUENCERS names sequencer modules to alternate (default `sequencer`: this tree's),
 * e.g. `sequencer-before,sequencer` with an older copy saved as broker/logboek/sequencer-before.ts,
 * so that before and after run one right after the other on the same data.
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_LOG_ENTRIES=200000
 *        BENCH_ROUNDS=2 npx tsx test/bench/sequencer-bench.ts
 */
import { loadavg } from 'node:os';
import { generateKeyPair, exportJWK } from 'jose';
import pino from 'pino';
import { openDatabase } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { createLogSigner } from '../../broker/logboek/log-signer.js';
import type { createSequencer as CreateSequencer } from '../../broker/logboek/sequencer.js';
import { createBenchDatabase } from './bench-database.js';
import { cpuBetween, sampleCpu } from './cpu-usage.js';
import { fill } from './logboek-scale-bench.js';
import { adminStatement } from '../support/admin-statement.js';

const adminUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const n = Number(process.env['BENCH_LOG_ENTRIES'] ?? 200_000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 2);
const modules = (process.env['BENCH_SEQUENCERS'] ?? 'sequencer').split(',');
const say = (line = ''): void => console.log(line);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(', ');

const admin = (statement: string): Promise<void> => adminStatement(adminUrl, statement);

const template = await createBenchDatabase(adminUrl);
try {
  const t = await openDatabase({ kind: 'postgres', url: template.url });
  await migrateToLatest(t.db);
  await t.close();
  await fill(template.url, n, say);
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const signer = await createLogSigner({ origin: 'bench', signingJwk: { ...(await exportJWK(privateKey)), kid: 'bench' } });
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? modules : [...modules].reverse();
    for (const name of order) {
      const { createSequencer } = (await import(`../../broker/logboek/${name}.js`)) as { createSequencer: typeof CreateSequencer };
      const copy = `${template.name}_c`;
      await admin(`create database ${copy} template ${template.name}`);
      const url = new URL(template.url);
      url.pathname = `/${copy}`;
      const h = await openDatabase({ kind: 'postgres', url: url.toString() });
      try {
        const seq = createSequencer({ db: h.db, signer, checkpointEveryEntries: 1000, checkpointEverySeconds: 3600, now: () => new Date(), logger: pino({ enabled: false }) });
        const loadBefore = load();
        const warm = await seq.runOnce({}); // connections and plans warm; not counted
        const cpu0 = process.cpuUsage();
        const pg0 = sampleCpu(process.pid, copy);
        const started = performance.now();
        const r = await seq.drain();
        const ms = performance.now() - started;
        const cpu = process.cpuUsage(cpu0);
        const pgCpu = cpuBetween(pg0, sampleCpu(process.pid, copy));
        const placed = r.treeSize - warm.treeSize;
        const us = (s: number): string => ((1e6 * s) / placed).toFixed(2);
        say(
          `${name.padEnd(18)} round ${round + 1}: ${placed} entries in ${(ms / 1000).toFixed(2)} s = ${Math.round((1000 * placed) / ms)} /s; ` +
            `Node ${us((cpu.user + cpu.system) / 1e6)} µs, PostgreSQL (this database's backends) ${us(pgCpu.database ?? 0)} µs, all postgres ${us(pgCpu.postgres)} µs per entry; ` +
            `tree ${r.treeSize}; load ${loadBefore} → ${load()}`,
        );
        if (r.treeSize !== n) throw new Error(`placed ${r.treeSize} of ${n}`);
      } finally {
        await h.close();
        await admin(`drop database if exists ${copy} with (force)`);
      }
    }
  }
} finally {
  await template.drop();
}
