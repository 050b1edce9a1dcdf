import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { DUMMY_PASSWORD_HASH, hashPassword, passwordHashOptions, verifyPassword } from './passwords';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horsE')).toBe(false);
  });

  it('answers false, not an error, for a stored value that is no hash', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
    expect(await verifyPassword('', 'whatever')).toBe(false);
  });

  it('keeps the dummy hash at the cost of a real one, so unknown emails take as long', async () => {
    const dummy = parseOptions(DUMMY_PASSWORD_HASH);
    const real = parseOptions(await hashPassword('anything at all'));
    expect(dummy).toEqual(real);
    expect(dummy).toMatchObject({
      memoryCost: passwordHashOptions.memoryCost,
      timeCost: passwordHashOptions.timeCost,
      parallelism: passwordHashOptions.parallelism,
    });
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, 'anything at all')).toBe(false);
  });
});
