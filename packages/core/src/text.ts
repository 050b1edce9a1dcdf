import { z } from 'zod';

// Node 20 has String.prototype.isWellFormed (ES2024); the ES2023 lib this repo compiles against
// does not declare it yet.
export const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** Postgres refuses NUL in text and in JSON: a 400 here rather than a driver error. */
const hasNoNul = (s: string): boolean => !s.includes('\0');

/**
 * The one schema for free text from a caller (names, addresses, descriptions, search terms):
 * trimmed, `min` to `max` UTF-16 code units after trimming, no NUL characters and no unpaired
 * surrogates ("\ud800" survives JSON.parse but is not Unicode text: Postgres refuses it in
 * JSON, and a text column would silently store U+FFFD instead).
 */
export const textSchema = (min: number, max: number) => storable(z.string().trim().min(min).max(max));

/** Any string schema, refused when Postgres could not store its value as given. */
export const storable = <T extends z.ZodType<string>>(schema: T) =>
  schema.refine(hasNoNul, 'must not contain NUL characters').refine(isWellFormed, 'must be valid Unicode text');
