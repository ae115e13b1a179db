/**
 * No merge left its conflict markers behind. TypeScript and JSON would not compile or parse with
 * them, but Markdown renders them silently: docs/architecture.md carried a `<<<<<<< HEAD` block in
 * its modules table for a day. Every tracked text file of the package is read.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../protocol/package-root.js';

const MARKER = /^(<{7}|>{7})( |$)|^={7}$/m;

describe('merge conflict markers', () => {
  it('are in no tracked text file', () => {
    const root = packagePath();
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0')
      .filter((f) => /\.(md|ts|js|json|yml|yaml|css|html|csv|sql|conf)$/.test(f));
    expect(files.length).toBeGreaterThan(100);
    const marked = files.filter((f) => MARKER.test(readFileSync(join(root, f), 'utf8')));
    expect(marked).toEqual([]);
  });
});
