/**
 * Reads a V8 CPU profile (`node --cpu-prof`) of the broker and sums its self time two ways:
 * - by place: where the code lives (a package under node_modules, a folder of broker/,
 *   Node's own internals, native code, or V8's (garbage collector) and (program));
 * - by owner: the same, but native code and Node internals are charged to the nearest
 *   caller that is a package or broker code (e.g. a socket write issued by pg counts for
 *   pg), which says which part of the stack costs the time.
 * Only samples inside the measured windows count, so start-up and warm-up are left out.
 * V8 stamps samples with the monotonic clock that `process.hrtime` reads, so the
 * benchmark's process can name the windows.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A window of the monotonic clock, in microseconds. */
export interface TimeWindow {
  readonly fromUs: number;
  readonly toUs: number;
}

export interface ProfileSummary {
  /** Sampled time inside the windows, in ms, idle excluded. */
  readonly busyMs: number;
  readonly idleMs: number;
  readonly byPlace: ReadonlyArray<{ place: string; ms: number }>;
  readonly byOwner: ReadonlyArray<{ place: string; ms: number }>;
  readonly byFunction: ReadonlyArray<{ fn: string; ms: number }>;
}

/** The monotonic clock now, in microseconds, as V8's profiler stamps it. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

function placeOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(broker|test)\/(.+)$/.exec(url);
  if (own) {
    const dirs = own[2]!.split('/');
    return dirs.length > 1 ? `${own[1]}/${dirs[0]}` : own[1]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

const UNOWNED = new Set(['(native)', 'node internals', '(program)']);

export function summarizeProfile(file: string, windows: readonly TimeWindow[]): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const ownerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const place = placeOf(nodes.get(at)!.callFrame);
      if (place === '(root)') break; // reached from the event loop itself: no package asked
      if (!UNOWNED.has(place)) return place;
    }
    return placeOf(nodes.get(id)!.callFrame);
  };
  const byPlace = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idleUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (!windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue;
    const frame = nodes.get(profile.samples[i]!)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idleUs += delta;
      continue;
    }
    const place = placeOf(frame);
    byPlace.set(place, (byPlace.get(place) ?? 0) + delta);
    const owner = ownerOf(profile.samples[i]!);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + delta);
    const where = frame.url.startsWith('node:') ? frame.url : place;
    const fn = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
  }
  const sorted = <K extends string>(m: Map<string, number>, key: K) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, us]) => ({ [key]: k, ms: us / 1000 }) as { [P in K]: string } & { ms: number });
  const places = sorted(byPlace, 'place');
  return {
    busyMs: places.reduce((s, p) => s + p.ms, 0),
    idleMs: idleUs / 1000,
    byPlace: places,
    byOwner: sorted(byOwner, 'place'),
    byFunction: sorted(byFunction, 'fn'),
  };
}

/** The summary as report lines: by place, by owner, and the top functions, each as a share of the busy time. */
export function formatProfileSummary(summary: ProfileSummary, title: string): string[] {
  const pct = (ms: number): string => `${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)} %`;
  return [
    `${title}: ${Math.round(summary.busyMs)} ms busy, ${Math.round(summary.idleMs)} ms idle`,
    '  self time by place:',
    ...summary.byPlace.slice(0, 15).map((p) => `    ${pct(p.ms)}  ${p.place}`),
    '  self time by owner (native code and Node internals charged to the package or broker code that called them):',
    ...summary.byOwner.slice(0, 20).map((p) => `    ${pct(p.ms)}  ${p.place}`),
    '  self time by function (top 25):',
    ...summary.byFunction.slice(0, 25).map((f) => `    ${pct(f.ms)}  ${f.fn}`),
  ];
}
