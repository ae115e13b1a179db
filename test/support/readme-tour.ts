/**
 * The README's tour as data: its sections, each `sh` block with the output block the README
 * shows after it, a script that runs the blocks in one shell, and a comparison that ignores
 * what depends on random data (youths, ids, hashes, keys, times).
 *
 * Invariants:
 * - An output block belongs to the `sh` block before it in the same section; a block before any
 *   `sh` block (the banner in section 1) is not an output.
 * - In an expected output, `…` (or a line `...`) stands for anything; whitespace does not count
 *   (jq pretty-prints what the README shows on one line, tabs align as spaces).
 */

export interface TourBlock {
  readonly section: number;
  /** 1-based place of the `sh` block in its section. */
  readonly index: number;
  readonly code: string;
  readonly expected?: string;
}

/** The `sh` blocks of the sections of "## A tour of the demo", in order. */
export function tourBlocks(readme: string): TourBlock[] {
  const start = readme.indexOf('## A tour of the demo');
  const end = readme.indexOf('\n## ', start + 1);
  const tour = readme.slice(start, end === -1 ? undefined : end);
  const blocks: Array<{ section: number; index: number; code: string; expected?: string }> = [];
  let section = -1;
  let inSection = 0;
  const lines = tour.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const heading = /^### (\d+)\./.exec(lines[i]!);
    if (heading) {
      section = Number(heading[1]);
      inSection = 0;
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]!); i += 1) body.push(lines[i]!);
    const text = body.join('\n');
    if (fence[1] === 'sh') {
      inSection += 1;
      blocks.push({ section, index: inSection, code: text });
    } else {
      const last = blocks[blocks.length - 1];
      if (last && last.section === section && last.expected === undefined && inSection > 0) last.expected = text;
    }
  }
  return blocks;
}

export const BLOCK_MARK = '@@TOUR-BLOCK';

/** One bash script running `blocks` in order, each preceded by a marker line on stdout. */
export function tourScript(blocks: readonly TourBlock[], prelude: string): string {
  const parts = [prelude];
  for (const b of blocks) parts.push(`printf '\\n${BLOCK_MARK} %s.%s@@\\n' ${b.section} ${b.index}`, b.code);
  parts.push(`printf '\\n${BLOCK_MARK} end@@\\n'`);
  return `${parts.join('\n')}\n`;
}

/** What each block printed, by "section.index". */
export function splitOutput(output: string): Map<string, string> {
  const result = new Map<string, string>();
  const re = new RegExp(`\\n?${BLOCK_MARK} ([\\d.]+|end)@@\\n`, 'g');
  let key: string | undefined;
  let from = 0;
  for (let m = re.exec(output); m; m = re.exec(output)) {
    if (key) result.set(key, output.slice(from, m.index));
    key = m[1];
    from = m.index + m[0].length;
  }
  return result;
}

const VOLATILE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>'],
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>'],
  [/\d{4}-\d{2}-\d{2}/g, '<date>'],
  [/\b[0-9a-f]{32}\b/g, '<hex>'],
  [/sha256:[0-9a-f]+/g, 'sha256:<hex>'],
  // Keys, pseudonyms, hashes, JWS parts: long tokens with a digit or an upper-case letter in them.
  [/(?<![\w-])(?=[A-Za-z0-9+/_=-]*[A-Z0-9])[A-Za-z0-9+/_-]{20,}={0,2}(?![\w-])/g, '<b64>'],
  [/\b[a-z]{20}\b/g, '<run>'],
];

/** A block's text with volatile values replaced and whitespace removed. */
export function normalise(text: string): string {
  let s = text.replace(/\r/g, '');
  for (const [re, to] of VOLATILE) s = s.replace(re, to);
  s = s.replace(/\s+/g, '');
  // Row ids, places in the tree and tree sizes depend on what ran before.
  return s.replace(/"(id|seq|index|treeSize)":\d+/g, '"$1":<n>');
}

/** Whether `actual` output fits the README's `expected` output. */
export function outputMatches(expected: string, actual: string): boolean {
  const want = normalise(expected.replace(/^\s*\.\.\.\s*$/gm, '…'));
  const pattern = want
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${pattern}$`).test(normalise(actual));
}
