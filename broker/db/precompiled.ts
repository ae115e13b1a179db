/**
 * Queries compiled once (issue 21): kysely builds and compiles a query's SQL on every call, which
 * cost about a tenth of the broker's CPU per question (docs/performance.md). A precompiled query is
 * built once per shape with placeholders in place of its arguments; each call binds the arguments
 * to the compiled text's parameters and sends it as it is.
 *
 * Invariants:
 * - The SQL text is exactly what kysely compiles for the same arguments: the builder runs once per
 *   shape (the lengths of the argument arrays), with each argument replaced by a placeholder that
 *   kysely carries through as a parameter; the text never contains an argument.
 * - Every argument becomes a bound parameter. A builder that transforms an argument (so that its
 *   placeholder never reaches the parameters) is refused at its first compile, not bound wrongly.
 * - Constants the builder writes itself (`true`, literal lists) stay parameters of their own.
 * - No result plugins run: the broker's Kysely instances have none (database.ts).
 * - At most `maxShapes` compiled texts are kept per query, so memory stays bounded.
 * - An array wrapped in `whole` is one parameter (a PostgreSQL array) and not part of the shape, so
 *   its length never changes the text (the question's one statement, queries/query.repository.ts).
 */
import { CompiledQuery, type QueryResult } from 'kysely';
import type { Executor } from './database.js';

/** Stands for one argument while a query is built; kysely passes it through as a parameter value. */
class Slot {
  constructor(readonly path: readonly (string | number)[]) {}
}

/** An array bound as one parameter, whatever its length (a PostgreSQL array such as `text[]` or `bytea[]`). */
export class Whole {
  constructor(readonly value: readonly unknown[]) {}
}

/** Binds `value` as one array parameter: its length is not part of the shape. */
export const whole = (value: readonly unknown[]): Whole => new Whole(value);

/** Arguments: scalars (strings, numbers, booleans, null, Date, Buffer), and arrays and plain objects of them. */
export type Args = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** The placeholders for `value`, with the same arrays and objects, and a key for its shape (array lengths). */
function slotsOf(value: unknown, path: (string | number)[], shape: string[]): unknown {
  if (Array.isArray(value)) {
    shape.push(`[${value.length}`);
    const out = value.map((v, i) => slotsOf(v, [...path, i], shape));
    shape.push(']');
    return out;
  }
  if (isPlainObject(value)) {
    shape.push('{');
    const out = Object.fromEntries(Object.keys(value).sort().map((k) => { shape.push(k); return [k, slotsOf(value[k], [...path, k], shape)]; }));
    shape.push('}');
    return out;
  }
  return new Slot(path);
}

function shapeOf(value: unknown, shape: string[]): void {
  if (Array.isArray(value)) {
    shape.push(`[${value.length}`);
    for (const v of value) shapeOf(v, shape);
    shape.push(']');
  } else if (isPlainObject(value)) {
    shape.push('{');
    for (const k of Object.keys(value).sort()) {
      shape.push(k);
      shapeOf(value[k], shape);
    }
    shape.push('}');
  }
}

type Binding = { readonly constant: unknown } | { readonly path: readonly (string | number)[] };

interface Compiled {
  readonly sql: string;
  readonly bindings: readonly Binding[];
}

const valueAt = (args: unknown, path: readonly (string | number)[]): unknown => {
  let v = args;
  for (const p of path) v = (v as Record<string | number, unknown>)[p];
  return v;
};

/** Something kysely compiles: a query builder, or a raw `sql` template bound to an executor. */
export interface Compilable {
  compile(): CompiledQuery;
}

export interface Precompiled<A extends Args, R> {
  execute(ex: Executor, args: A): Promise<QueryResult<R>>;
  /** How many shapes were compiled (for tests). */
  readonly shapes: number;
}

/**
 * A query compiled once per shape of its arguments. `build` receives placeholders shaped like the
 * arguments, and must use each placeholder only as a value (kysely passes it through unchanged).
 */
export function precompile<A extends Args, R = unknown>(build: (ex: Executor, args: A) => Compilable, maxShapes = 64): Precompiled<A, R> {
  const cache = new Map<string, Compiled>();
  const compile = (ex: Executor, args: A, key: string): Compiled => {
    const placeholders = slotsOf(args, [], []) as A;
    const query = build(ex, placeholders).compile();
    const seen = new Set<Slot>();
    const bindings: Binding[] = query.parameters.map((p) => {
      if (p instanceof Slot) {
        seen.add(p);
        return { path: p.path };
      }
      return { constant: p };
    });
    const all: Slot[] = [];
    const collect = (v: unknown): void => {
      if (v instanceof Slot) all.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (isPlainObject(v)) Object.values(v).forEach(collect);
    };
    collect(placeholders);
    const lost = all.filter((s) => !seen.has(s));
    if (lost.length > 0) throw new Error(`precompiled query: argument ${lost.map((s) => s.path.join('.')).join(', ')} did not reach the parameters`);
    const compiled = { sql: query.sql, bindings };
    // Bounded: the oldest shape goes first (shapes are few on the hot path; this only caps memory).
    if (cache.size >= maxShapes) cache.delete(cache.keys().next().value!);
    cache.set(key, compiled);
    return compiled;
  };
  return {
    async execute(ex, args) {
      const shape: string[] = [];
      shapeOf(args, shape);
      const key = shape.join(',');
      const compiled = cache.get(key) ?? compile(ex, args, key);
      const parameters = compiled.bindings.map((b) => {
        if (!('path' in b)) return b.constant;
        const v = valueAt(args, b.path);
        return v instanceof Whole ? v.value : v;
      });
      return ex.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>);
    },
    get shapes() {
      return cache.size;
    },
  };
}
