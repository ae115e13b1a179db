/**
 * Bounded nesting of JSON bodies. JSON.parse takes any depth, but code that walks a value
 * recursively (serialisers, validators, canonical JSON) overflows the stack on a body of a
 * few thousand nested arrays: a 500 instead of a problem. No body of this API nests deeper
 * than a handful of levels, so anything past MAX_JSON_DEPTH is refused as invalid (422).
 *
 * Invariants: measuring never recurses; the refusal names the body ('/') and no value.
 */
import type { RequestHandler } from 'express';
import { validationError } from '../errors/app-error.js';

/** The deepest nesting of objects and arrays a body may have (the top level counts as 1). */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests objects or arrays deeper than `max`; stops as soon as it does. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, depth: depth + 1 });
    }
  }
  return false;
}

/** After a JSON body parser: refuses a body nested deeper than `max` with a 422 problem. */
export function limitJsonDepth(max = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    if (nestsDeeperThan(req.body, max)) {
      throw validationError([{ pointer: '/', code: 'too-large', detail: `nests objects or arrays deeper than ${max} levels` }]);
    }
    next();
  };
}
