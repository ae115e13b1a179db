/**
 * The compact export's page buffers (bundle-page.ts), reused from one answer of GET
 * /v1/log/bundles to the next. Why: a page of 16,384 entries is some 17 MB, and a fresh buffer of
 * that size is mapped anew by the kernel and faulted in page by page as the page is written; that
 * first touch cost the broker about as much as encoding the texts into it (docs/performance.md,
 * scenario 8). A buffer that was sent is written over instead.
 *
 * Invariants:
 * - A buffer is handed out by takePageBuffer to one page at a time: it is in the free list only
 *   between givePageBuffer and the next take of it.
 * - givePageBuffer takes back only buffers takePageBuffer made (a WeakSet of their memory): a view
 *   of Node's shared pool for small buffers, or a buffer made elsewhere, is never reused.
 * - The caller gives a buffer back only once nothing reads it any more (the answer was written
 *   to the socket, or the connection closed): reuse before that would send another page's bytes.
 * - At most KEEP buffers are kept, and none after IDLE_MS without an export.
 */

/** Buffers kept: the exporter keeps three requests in flight (export-log.ts), and one is being written. */
const KEEP = 4;
/** How long free buffers are kept after the last one came back. */
const IDLE_MS = 30_000;
/** Sizes are rounded up to this, so that pages of slightly different sizes share buffers. */
const GRAIN = 1 << 20;

const ours = new WeakSet<ArrayBuffer>();
const free: Buffer[] = [];
let idle: ReturnType<typeof setTimeout> | undefined;

/** A buffer of at least `size` bytes, not zero-filled, owned by the caller until givePageBuffer. */
export function takePageBuffer(size: number): Buffer {
  let best = -1;
  for (let i = 0; i < free.length; i++) if (free[i]!.length >= size && (best < 0 || free[i]!.length < free[best]!.length)) best = i;
  if (best >= 0) return free.splice(best, 1)[0]!;
  const b = Buffer.allocUnsafeSlow(Math.ceil(Math.max(size, 1) / GRAIN) * GRAIN);
  ours.add(b.buffer as ArrayBuffer);
  return b;
}

/**
 * Gives back the buffer `page` is a view of (from takePageBuffer), for a later page. Call once no
 * one reads `page` any more; a view of any other memory is ignored.
 */
export function givePageBuffer(page: Uint8Array): void {
  const memory = page.buffer as ArrayBuffer;
  if (!ours.has(memory) || free.length >= KEEP || free.some((b) => b.buffer === memory)) return;
  free.push(Buffer.from(memory));
  if (idle) clearTimeout(idle);
  idle = setTimeout(() => {
    free.length = 0;
  }, IDLE_MS);
  idle.unref();
}
