/**
 * Where the audit commands write, and their usage error (exit 1). Shared by audit.ts and
 * audit-witness.ts.
 */

/** Where a command writes; tests pass their own. */
export interface AuditIo {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: AuditIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A mistake in how the command was called (exit 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

