/**
 * Reads a partner export row by row: CSV (csv-parse: any delimiter, quotes, latin1 or
 * UTF-8 with or without Excel's byte order mark) or JSON lines. Each row comes with the
 * line number where it starts, so that a rejected row can be named without its content.
 *
 * Invariants: values are text (JSON numbers become strings); a malformed line is yielded
 * as an error with its line number, never with its content.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { AdapterMapping } from './mapping.js';

export type ExportRow =
  | { readonly line: number; readonly record: Readonly<Record<string, string>> }
  | { readonly line: number; readonly error: string };

export async function* readExport(file: string, source: AdapterMapping['source']): AsyncGenerator<ExportRow> {
  if (source.format === 'jsonl') {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let n = 0;
    for await (const raw of lines) {
      n += 1;
      const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield { line: n, error: 'is not valid JSON' };
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield { line: n, error: 'is not a JSON object' };
        continue;
      }
      const record: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) record[k] = String(v);
      yield { line: n, record };
    }
    return;
  }
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: true,
      delimiter: source.delimiter ?? ';',
      quote: source.quote ?? '"',
      encoding: source.encoding === 'latin1' ? 'latin1' : 'utf8',
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
      skip_records_with_error: false,
    }),
  );
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: row.info.lines, record: row.record };
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    // csv-parse's message quotes the offending text; keep only its code and the line.
    throw new Error(`the export cannot be read as CSV at line ${e.lines ?? '?'} (${e.code ?? 'parse error'})`);
  }
}
