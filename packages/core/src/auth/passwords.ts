import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

// Algorithm is an ambient const enum, which isolatedModules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane). */
export const passwordHashOptions: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * A hash of a random password nobody knows, made with the options above. Verifying against it
 * costs what verifying a real user's hash costs, so a login for an unknown email takes as long
 * as one with a wrong password.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$Sy6NYwWXS+cEOcNnaehhYg$Wi+jlnDgTATYM2MqtDds74wW++HzuR3TVONpBfo9vmE';

export function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashOptions);
}

/** False for a wrong password and for a stored value that is no argon2 hash at all. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
