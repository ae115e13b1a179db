/**
 * `jpp-broker backup --out <file>` and `jpp-broker restore --from <file>`: the embedded
 * database's backup, a gzipped tarball of DATA_DIR/pgdata made by PGlite itself (`dumpDataDir`),
 * and its restore (`loadDataDir`). PostgreSQL is backed up with its own tools (pg_dump,
 * pg_basebackup; docs/deployment.md), and these commands say so.
 *
 * Invariants:
 * - Consistent or refused: the embedded database admits one process, so a backup is made only
 *   while the broker is stopped (it needs the data directory's lock), and then it is exactly the
 *   database as the broker left it. With the broker running, the command refuses and says why.
 * - A restore never destroys data: it refuses while the broker runs, and moves the current data
 *   directory aside (pgdata.before-restore-<time>) before loading the backup into an empty one.
 * - A restore rolls the logboek back to the backup's state. The broker's checkpoints say so to
 *   anyone who held a later one: a witness flags the rollback (witness.ts). The output says this.
 * - The files hold the whole database (signals, subject hashes, the logboek): written with mode
 *   0600, never over an existing file. The keys (k_db, the checkpoint key, the custodian's key)
 *   are not in it: they are configuration, backed up apart (docs/operations.md).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { openDatabase } from '../db/database.js';
import { DataDirInUseError, lockDataDir } from '../db/data-dir-lock.js';
import { commandEnv } from '../config/platforms-config.js';
import { logboekState } from '../telemetry/telemetry.repository.js';
import { UsageError, type AuditIo } from './audit-io.js';

const stdio: AuditIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** DATA_DIR of the platform the command acts on; refuses PostgreSQL. */
function embeddedDataDir(platform: string | undefined): string {
  const env = commandEnv(process.env, platform);
  if (env['DATABASE_URL']) {
    throw new UsageError('this broker uses PostgreSQL (DATABASE_URL): back it up with pg_dump and restore with pg_restore (docs/deployment.md, "Backup and restore"); these commands are for the embedded database');
  }
  return resolve(env['DATA_DIR'] || './data');
}

const describeLog = (s: { treeSize: number; latestCheckpointAt: Date | undefined }): string =>
  `logboek: ${s.treeSize} entries in the tree, latest checkpoint ${s.latestCheckpointAt ? s.latestCheckpointAt.toISOString() : 'none'}`;

/** `backup`; returns the exit code. */
export async function backupCommand(opts: { out: string; platform?: string }, io: AuditIo = stdio): Promise<number> {
  const dataDir = embeddedDataDir(opts.platform);
  const out = resolve(opts.out);
  if (existsSync(out)) throw new UsageError(`${out} exists; give a new file (a backup never overwrites one)`);
  if (!existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))) throw new UsageError(`there is no embedded database in ${dataDir} (DATA_DIR)`);
  let handle;
  try {
    handle = await openDatabase({ kind: 'pglite', dataDir });
  } catch (err) {
    if (err instanceof DataDirInUseError) {
      throw new UsageError(`${err.message}. A backup of the embedded database needs the broker stopped, so that it is consistent: stop the broker, run the backup (seconds), start it again`);
    }
    throw err;
  }
  try {
    const state = await logboekState(handle.db);
    const blob = await handle.dumpDataDir!();
    const bytes = Buffer.from(await blob.arrayBuffer());
    const tmp = `${out}.${process.pid}.partial`;
    writeFileSync(tmp, bytes, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, out);
    io.out(`backed up the embedded database in ${dataDir} to ${out} (${(bytes.length / 1e6).toFixed(1)} MB, gzipped tar)`);
    io.out(`  ${describeLog(state)}`);
    io.out('  The keys are not in it (JPP_SUBJECT_KEY, JPP_LOG_SIGNING_KEY, the custodian\'s key file; in demo mode DATA_DIR/*.json): keep them apart.');
    return 0;
  } finally {
    await handle.close();
  }
}

/** `restore`; returns the exit code. */
export async function restoreCommand(opts: { from: string; platform?: string }, io: AuditIo = stdio): Promise<number> {
  const dataDir = embeddedDataDir(opts.platform);
  const from = resolve(opts.from);
  if (!existsSync(from) || !statSync(from).isFile()) throw new UsageError(`${from} is not a backup file`);
  const backup = readFileSync(from);
  if (backup[0] !== 0x1f || backup[1] !== 0x8b) throw new UsageError(`${from} is not a backup made by jpp-broker backup (not gzip)`);
  const pgdata = join(dataDir, 'pgdata');
  mkdirSync(pgdata, { recursive: true });
  // Refuse while the broker runs; move the current data aside under the lock.
  let lock;
  try {
    lock = await lockDataDir(pgdata);
  } catch (err) {
    if (err instanceof DataDirInUseError) throw new UsageError(`${err.message}. Stop the broker before restoring`);
    throw err;
  }
  let keptAt: string | undefined;
  try {
    if (readdirSync(pgdata).length > 0) {
      keptAt = `${pgdata}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(pgdata, keptAt);
      mkdirSync(pgdata);
    }
  } finally {
    await lock.release();
  }
  const handle = await openDatabase({ kind: 'pglite', dataDir, loadDataDir: new Blob([backup]) });
  try {
    const state = await logboekState(handle.db);
    io.out(`restored ${from} into ${pgdata}`);
    io.out(`  ${describeLog(state)}`);
    if (keptAt) io.out(`  the data directory it replaced is kept in ${keptAt}; remove it once the broker runs well`);
    io.out('  Check it: jpp-broker audit verify --database --witness-store <a witness store> (or --public-key).');
    io.out('  The logboek is now back at the backup\'s state: witnesses that hold later checkpoints report a rollback. Tell them (docs/operations.md).');
    return 0;
  } finally {
    await handle.close();
  }
}

/** The `backup` and `restore` commands, registered from cli.ts. */
export function backupCommands(): Command[] {
  const run = (f: () => Promise<number>) => async () => {
    process.exitCode = await f();
  };
  const platformOption = ['--platform <id>', 'with JPP_PLATFORMS: the platform whose database (DATA_DIR/<id>)'] as const;
  return [
    new Command('backup')
      .description('back up the embedded database (DATA_DIR) to a file; the broker must be stopped (PostgreSQL: pg_dump)')
      .requiredOption('--out <file>', 'the backup file to write (a new file; gzipped tar)')
      .option(...platformOption)
      .action((opts: { out: string; platform?: string }) => run(() => backupCommand(opts))()),
    new Command('restore')
      .description('restore the embedded database from a backup; the broker must be stopped; the current data is kept aside')
      .requiredOption('--from <file>', 'a file made by jpp-broker backup')
      .option(...platformOption)
      .action((opts: { from: string; platform?: string }) => run(() => restoreCommand(opts))()),
  ];
}
