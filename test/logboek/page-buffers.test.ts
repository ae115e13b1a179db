/**
 * The compact export's page buffers (page-buffers.ts): a buffer given back serves the next page,
 * a buffer is never handed to two pages at once, and memory the pool did not make is never taken.
 */
import { describe, expect, it } from 'vitest';
import { givePageBuffer, takePageBuffer } from '../../broker/logboek/page-buffers.js';

describe('page buffers', () => {
  it('hands a buffer given back to the next page that fits in it, and makes a new one while it is out', () => {
    const a = takePageBuffer(3_000_000);
    expect(a.length).toBeGreaterThanOrEqual(3_000_000);
    const b = takePageBuffer(3_000_000);
    expect(b.buffer).not.toBe(a.buffer);
    givePageBuffer(a.subarray(0, 1234)); // the page is a view of it
    const c = takePageBuffer(2_500_000);
    expect(c.buffer).toBe(a.buffer);
    const d = takePageBuffer(2_500_000);
    expect(d.buffer).not.toBe(a.buffer);
    expect(d.buffer).not.toBe(b.buffer);
    for (const x of [b, c, d]) givePageBuffer(x);
  });

  it('does not hand out a buffer twice when it is given back twice', () => {
    const a = takePageBuffer(5_000_000);
    givePageBuffer(a);
    givePageBuffer(a);
    const b = takePageBuffer(5_000_000);
    const c = takePageBuffer(5_000_000);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
    givePageBuffer(b);
    givePageBuffer(c);
  });

  it('never takes memory it did not make (a small buffer of the shared pool, a buffer made elsewhere)', () => {
    const small = Buffer.allocUnsafe(100); // a view of Node's shared 8 KB pool
    const other = Buffer.allocUnsafeSlow(8_000_000);
    givePageBuffer(small);
    givePageBuffer(other);
    const taken = [takePageBuffer(50), takePageBuffer(7_000_000), takePageBuffer(7_000_000), takePageBuffer(7_000_000), takePageBuffer(7_000_000)];
    for (const t of taken) {
      expect(t.buffer).not.toBe(small.buffer);
      expect(t.buffer).not.toBe(other.buffer);
    }
    for (const t of taken) givePageBuffer(t);
  });
});
