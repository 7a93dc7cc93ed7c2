import { describe, expect, it } from 'vitest';
import { readLookupConfig } from '../src/config.js';

const VALID = { KE_API_KEY: 'ke_owner_key', KE_BASE_URL: 'http://127.0.0.1:9', MAX_NUM: '100' };

describe('readLookupConfig', () => {
  it('reads the vars once per set of values, and again when any of them changes', () => {
    const first = readLookupConfig({ ...VALID });
    expect(first).toMatchObject({ maxNum: 100, baseUrl: 'http://127.0.0.1:9', cacheTtlSeconds: 86400 });
    // The same values (in another env object): the same settings, shared and frozen.
    expect(readLookupConfig({ ...VALID })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // One value changed: read again.
    expect(readLookupConfig({ ...VALID, MAX_NUM: '7' }).maxNum).toBe(7);
    expect(readLookupConfig({ ...VALID, CACHE_TTL_SECONDS: '60' })).toMatchObject({ maxNum: 100, cacheTtlSeconds: 60 });
  });

  it('never remembers a misconfiguration as settings: a bad value throws every time, naming the var only', () => {
    readLookupConfig({ ...VALID });
    for (let i = 0; i < 2; i++) {
      expect(() => readLookupConfig({ ...VALID, MAX_NUM: 'lots' })).toThrow(/MAX_NUM/);
      expect(() => readLookupConfig({ ...VALID, KE_API_KEY: '' })).toThrow(/KE_API_KEY/);
    }
    expect(() => readLookupConfig({ ...VALID, MAX_NUM: 'lots' })).not.toThrow(/lots/);
    expect(readLookupConfig({ ...VALID }).maxNum).toBe(100);
  });
});
