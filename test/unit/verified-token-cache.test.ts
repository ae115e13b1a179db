/** The cache of verified tokens (verified-token-cache.ts): until exp, bounded in age and in size, by hash. */
import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from '../../broker/auth/verified-token-cache.js';

describe('the verified-token cache', () => {
  it('serves a payload until exp, and not from exp on', () => {
    let now = 1_000_000_000_000;
    const cache = createVerifiedTokenCache({ clock: () => now });
    const payload = { sub: 'p', exp: now / 1000 + 60 };
    cache.set('token-a', payload);
    expect(cache.get('token-a')).toBe(payload);
    expect(cache.get('token-b')).toBeUndefined();
    now += 59_999;
    expect(cache.get('token-a')).toBe(payload);
    now += 1;
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a long-lived token no longer than maxAgeMs, and refuses to keep one without exp or already expired', () => {
    let now = 2_000_000_000_000;
    const cache = createVerifiedTokenCache({ clock: () => now, maxAgeMs: 1000 });
    cache.set('long', { sub: 'p', exp: now / 1000 + 86_400 });
    cache.set('no-exp', { sub: 'p' });
    cache.set('expired', { sub: 'p', exp: now / 1000 - 1 });
    expect(cache.size).toBe(1);
    now += 1000;
    expect(cache.get('long')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const now = 3_000_000_000_000;
    const cache = createVerifiedTokenCache({ clock: () => now, maxEntries: 2 });
    for (const t of ['t1', 't2', 't3']) cache.set(t, { sub: t, exp: now / 1000 + 60 });
    expect(cache.size).toBe(2);
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t3')?.sub).toBe('t3');
  });
});
